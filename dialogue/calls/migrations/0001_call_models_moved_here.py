"""The models of this app moved here from ``dialogue`` (issue 18). Their tables keep their names (``db_table``), so
this migration changes only Django's state, never the database; the content types (and with them permissions
and admin history) follow the models."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ['call', 'callsegment', 'replyscript', 'replysample', 'replymodelversion', 'replysuggestion']


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label='dialogue', model__in=MOVED).update(app_label='calls')


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label='calls', model__in=MOVED).update(app_label='dialogue')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('dialogue', '0005_handoff_escalation'),
        ('crm', '0004_organisations_promotions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Call',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('upload', 'Uploaded recording'), ('live', 'Live capture'), ('branch', 'Branch conversation')], default='upload', max_length=10, verbose_name='source')),
                        ('language', models.CharField(choices=[('zh-hans', 'Mandarin (Simplified Chinese)'), ('yue', 'Cantonese'), ('en', 'English')], default='zh-hans', max_length=10, verbose_name='language')),
                        ('recording', models.FileField(upload_to='calls/%Y/%m/', verbose_name='recording')),
                        ('audio_format', models.CharField(blank=True, max_length=10, verbose_name='format')),
                        ('duration', models.FloatField(blank=True, null=True, verbose_name='duration (s)')),
                        ('status', models.CharField(choices=[('received', 'Received'), ('transcribing', 'Transcribing'), ('done', 'Done'), ('failed', 'Failed')], default='received', max_length=12, verbose_name='status')),
                        ('progress', models.FloatField(default=0.0, help_text='Share of the audio transcribed, 0 to 1.', verbose_name='progress')),
                        ('error', models.CharField(blank=True, max_length=300, verbose_name='error')),
                        ('rtf', models.FloatField(blank=True, null=True, verbose_name='real-time factor')),
                        ('outcome', models.CharField(blank=True, choices=[('deal', 'Deal'), ('no_deal', 'No deal')], help_text='V9: a deal turns the replies used in the call into training samples.', max_length=10, verbose_name='outcome')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='received at')),
                        ('transcribed_at', models.DateTimeField(blank=True, null=True, verbose_name='transcribed at')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calls', to='crm.customer', verbose_name='customer')),
                        ('salesperson', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='calls', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                    ],
                    options={
                        'verbose_name': 'call',
                        'verbose_name_plural': 'calls',
                        'db_table': 'dialogue_call',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='CallSegment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('index', models.PositiveIntegerField(verbose_name='index')),
                        ('start', models.FloatField(verbose_name='start (s)')),
                        ('end', models.FloatField(verbose_name='end (s)')),
                        ('text', models.TextField(verbose_name='text')),
                        ('emotion', models.CharField(choices=[('excited', 'Excited'), ('joyful', 'Joyful'), ('angry', 'Angry'), ('calm', 'Calm'), ('low', 'Low'), ('lost', 'Lost')], help_text='First and second fused.', max_length=10, verbose_name='emotion')),
                        ('emotion_scores', models.JSONField(default=dict, verbose_name='emotion scores')),
                        ('first_emotion', models.CharField(choices=[('excited', 'Excited'), ('joyful', 'Joyful'), ('angry', 'Angry'), ('calm', 'Calm'), ('low', 'Low'), ('lost', 'Lost')], max_length=10, verbose_name='first emotion')),
                        ('second_scores', models.JSONField(blank=True, default=dict, verbose_name='second emotion scores')),
                        ('keywords', models.JSONField(default=list, verbose_name='emotion keywords')),
                        ('situation', models.CharField(choices=[('greeting', 'Greeting'), ('thanks', 'Thanks'), ('price_question', 'Price question'), ('price_objection', 'Price objection'), ('spec_question', 'Specification question'), ('comparison', 'Comparison'), ('complaint', 'Complaint'), ('purchase', 'Ready to buy'), ('general', 'Other question'), ('human', 'Asks for a person'), ('handoff', 'Hand-off to the salesperson'), ('company', 'Question about the company'), ('discount', 'Question about discounts'), ('clarify', 'Asks what the customer means'), ('acknowledge', 'Tells the customer who is coming')], default='general', max_length=20, verbose_name='situation')),
                        ('scene', models.CharField(default='general', max_length=12, verbose_name='scene')),
                        ('relation', models.CharField(default='statement', max_length=10, verbose_name='relation to the previous segment')),
                        ('sound', models.JSONField(default=dict, verbose_name='sound information')),
                        ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='segments', to='calls.call', verbose_name='call')),
                    ],
                    options={
                        'verbose_name': 'call segment',
                        'verbose_name_plural': 'call segments',
                        'db_table': 'dialogue_callsegment',
                        'ordering': ['call', 'index'],
                    },
                ),
                migrations.CreateModel(
                    name='ReplyModelVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.CharField(max_length=40, unique=True, verbose_name='version')),
                        ('path', models.CharField(max_length=300, verbose_name='file under MODEL_DIR')),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the file')),
                        ('metrics', models.JSONField(default=dict, verbose_name='held-out metrics')),
                        ('training', models.JSONField(default=dict, verbose_name='training details')),
                        ('samples', models.PositiveIntegerField(default=0, verbose_name='training samples')),
                        ('is_active', models.BooleanField(default=False, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='trained at')),
                    ],
                    options={
                        'verbose_name': 'reply model version',
                        'verbose_name_plural': 'reply model versions',
                        'db_table': 'dialogue_replymodelversion',
                        'ordering': ['-created_at', '-pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('is_active',), name='one_active_reply_model')],
                    },
                ),
                migrations.CreateModel(
                    name='ReplyScript',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.SlugField(max_length=60, unique=True, verbose_name='key')),
                        ('text', models.TextField(max_length=400, verbose_name='text')),
                        ('language', models.CharField(choices=[('zh-hans', 'Mandarin (Simplified Chinese)'), ('yue', 'Cantonese'), ('en', 'English')], default='zh-hans', max_length=10, verbose_name='language')),
                        ('scene', models.CharField(choices=[('opening', 'Opening'), ('pre_sale', 'Pre-sale'), ('objection', 'Objection'), ('after_sale', 'After-sale'), ('closing', 'Closing'), ('general', 'General')], default='general', max_length=12, verbose_name='scene')),
                        ('tags', models.JSONField(blank=True, default=list, verbose_name='tags')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('category', models.ForeignKey(blank=True, help_text='Empty: for every product.', null=True, on_delete=django.db.models.deletion.SET_NULL, to='crm.productcategory', verbose_name='product category')),
                    ],
                    options={
                        'verbose_name': 'reply script',
                        'verbose_name_plural': 'reply scripts',
                        'db_table': 'dialogue_replyscript',
                        'ordering': ['language', 'scene', 'key'],
                    },
                ),
                migrations.CreateModel(
                    name='ReplySample',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(verbose_name="customer's words")),
                        ('context', models.JSONField(blank=True, default=list, verbose_name='previous sentences')),
                        ('emotion', models.CharField(choices=[('excited', 'Excited'), ('joyful', 'Joyful'), ('angry', 'Angry'), ('calm', 'Calm'), ('low', 'Low'), ('lost', 'Lost')], default='calm', max_length=10, verbose_name='emotion')),
                        ('scene', models.CharField(choices=[('opening', 'Opening'), ('pre_sale', 'Pre-sale'), ('objection', 'Objection'), ('after_sale', 'After-sale'), ('closing', 'Closing'), ('general', 'General')], default='general', max_length=12, verbose_name='scene')),
                        ('category', models.CharField(blank=True, max_length=50, verbose_name='product category code')),
                        ('sound', models.JSONField(blank=True, default=dict, verbose_name='sound information')),
                        ('source', models.CharField(choices=[('seed', 'Shipped history'), ('feedback', "Salesperson's feedback"), ('outcome', 'Call outcome')], default='seed', max_length=10, verbose_name='source')),
                        ('score', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='feedback score')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                        ('script', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='samples', to='calls.replyscript', verbose_name='script')),
                    ],
                    options={
                        'verbose_name': 'reply training sample',
                        'verbose_name_plural': 'reply training samples',
                        'db_table': 'dialogue_replysample',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReplySuggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rank', models.PositiveSmallIntegerField(verbose_name='rank')),
                        ('score', models.FloatField(verbose_name='score')),
                        ('reasons', models.JSONField(blank=True, default=list, verbose_name='reasons')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='suggested at')),
                        ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='used at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent to the customer at')),
                        ('rating', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='rating (0–100)')),
                        ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='calls.call', verbose_name='call')),
                        ('rated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='rated by')),
                        ('sample', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='calls.replysample', verbose_name='training sample')),
                        ('script', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='calls.replyscript', verbose_name='script')),
                        ('segment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='calls.callsegment', verbose_name='after segment')),
                    ],
                    options={
                        'verbose_name': 'reply suggestion',
                        'verbose_name_plural': 'reply suggestions',
                        'db_table': 'dialogue_replysuggestion',
                        'ordering': ['segment__index', 'rank'],
                    },
                ),
                migrations.AddIndex(
                    model_name='call',
                    index=models.Index(fields=['customer', '-created_at'], name='call_customer_recent'),
                ),
                migrations.AddConstraint(
                    model_name='callsegment',
                    constraint=models.UniqueConstraint(fields=('call', 'index'), name='call_segment_once'),
                ),
                migrations.AddConstraint(
                    model_name='replysuggestion',
                    constraint=models.UniqueConstraint(fields=('segment', 'rank'), name='one_suggestion_per_rank'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
