"""The models moved to another app (issue 18); their tables stay, so only Django's state changes."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dialogue', '0005_handoff_escalation'),
        ('calls', '0001_call_models_moved_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='call',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='call',
                    name='salesperson',
                ),
                migrations.RemoveField(
                    model_name='callsegment',
                    name='call',
                ),
                migrations.RemoveField(
                    model_name='replysuggestion',
                    name='call',
                ),
                migrations.RemoveField(
                    model_name='replysuggestion',
                    name='segment',
                ),
                migrations.DeleteModel(
                    name='ReplyModelVersion',
                ),
                migrations.RemoveField(
                    model_name='replysample',
                    name='script',
                ),
                migrations.RemoveField(
                    model_name='replysuggestion',
                    name='sample',
                ),
                migrations.RemoveField(
                    model_name='replyscript',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='replysuggestion',
                    name='script',
                ),
                migrations.RemoveField(
                    model_name='replysuggestion',
                    name='rated_by',
                ),
                migrations.DeleteModel(
                    name='Call',
                ),
                migrations.DeleteModel(
                    name='CallSegment',
                ),
                migrations.DeleteModel(
                    name='ReplySample',
                ),
                migrations.DeleteModel(
                    name='ReplyScript',
                ),
                migrations.DeleteModel(
                    name='ReplySuggestion',
                ),
            ],
        ),
    ]
