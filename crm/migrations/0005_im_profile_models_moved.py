"""The models moved to another app (issue 18); their tables stay, so only Django's state changes."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0004_organisations_promotions'),
        ('im_profile', '0001_im_profile_models_moved_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ClosenessWeights',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='integration',
                ),
                migrations.RemoveField(
                    model_name='profilechange',
                    name='changed_by',
                ),
                migrations.RemoveField(
                    model_name='profilechange',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='profilefact',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='profilefact',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='profilefact',
                    name='source_message',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='customer',
                ),
                migrations.DeleteModel(
                    name='ImIntegration',
                ),
                migrations.DeleteModel(
                    name='ProfileChange',
                ),
                migrations.DeleteModel(
                    name='ProfileFact',
                ),
                migrations.DeleteModel(
                    name='WebhookDelivery',
                ),
            ],
        ),
    ]
