"""The models moved to another app (issue 18); their tables stay, so only Django's state changes."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('salescard', '0005_api_keys'),
        ('base', '0001_api_token_moved_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ApiToken',
                ),
            ],
        ),
    ]
