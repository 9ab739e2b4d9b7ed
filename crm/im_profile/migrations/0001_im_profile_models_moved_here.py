"""The models of this app moved here from ``crm`` (issue 18). Their tables keep their names (``db_table``), so
this migration changes only Django's state, never the database; the content types (and with them permissions
and admin history) follow the models."""


import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ['imintegration', 'webhookdelivery', 'profilefact', 'profilechange', 'closenessweights']


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label='crm', model__in=MOVED).update(app_label='im_profile')


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label='im_profile', model__in=MOVED).update(app_label='crm')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('crm', '0004_organisations_promotions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ClosenessWeights',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('friendship', models.FloatField(default=1.0, validators=[django.core.validators.MinValueValidator(0)], verbose_name='friendship age')),
                        ('groups', models.FloatField(default=1.0, validators=[django.core.validators.MinValueValidator(0)], verbose_name='shared groups')),
                        ('messages_in', models.FloatField(default=1.5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='messages from the customer')),
                        ('messages_out', models.FloatField(default=1.0, validators=[django.core.validators.MinValueValidator(0)], verbose_name='messages to the customer')),
                        ('recency', models.FloatField(default=1.5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='recency')),
                        ('reply_latency', models.FloatField(default=0.5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='reply latency')),
                        ('behaviour', models.FloatField(default=1.5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='behaviour towards the staff member')),
                        ('friendship_full_days', models.PositiveIntegerField(default=365, validators=[django.core.validators.MinValueValidator(1)], verbose_name='friendship age that counts in full (days)')),
                        ('message_scale', models.PositiveIntegerField(default=20, validators=[django.core.validators.MinValueValidator(1)], verbose_name='messages at which the message score reaches 63 per cent')),
                        ('recency_days', models.PositiveIntegerField(default=30, validators=[django.core.validators.MinValueValidator(1)], verbose_name='days after which the recency score falls to 37 per cent')),
                        ('latency_minutes', models.PositiveIntegerField(default=60, validators=[django.core.validators.MinValueValidator(1)], verbose_name='reply minutes at which the latency score falls to 37 per cent')),
                        ('behaviour_scale', models.PositiveIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1)], verbose_name='actions at which the behaviour score reaches 63 per cent')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ],
                    options={
                        'verbose_name': 'closeness weights',
                        'verbose_name_plural': 'closeness weights',
                        'db_table': 'crm_closenessweights',
                    },
                ),
                migrations.CreateModel(
                    name='ImIntegration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='token hash')),
                        ('signing_secret', models.CharField(editable=False, max_length=100, verbose_name='signing secret')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('chat_link_template', models.CharField(blank=True, help_text='Link that opens a chat with a staff member in the IM client, e.g. wxwork://message?username={staff_im_id}. Placeholders: {staff_im_id}, {customer_im_id}. Empty: the IM_CHAT_LINK_TEMPLATE setting.', max_length=300, verbose_name='chat deep-link template')),
                    ],
                    options={
                        'verbose_name': 'IM integration',
                        'verbose_name_plural': 'IM integrations',
                        'db_table': 'crm_imintegration',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ProfileChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('field', models.CharField(max_length=40, verbose_name='field')),
                        ('old_value', models.TextField(blank=True, verbose_name='old value')),
                        ('new_value', models.TextField(blank=True, verbose_name='new value')),
                        ('via', models.CharField(choices=[('edit', 'Edited by staff'), ('fact', 'Confirmed fact'), ('im', 'IM platform'), ('tag', 'Tag'), ('erasure', 'Erasure')], max_length=10, verbose_name='via')),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='changed at')),
                        ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='profile_changes', to='crm.customer', verbose_name='customer')),
                    ],
                    options={
                        'verbose_name': 'profile change',
                        'verbose_name_plural': 'profile changes',
                        'db_table': 'crm_profilechange',
                        'ordering': ['-changed_at', '-pk'],
                        'indexes': [models.Index(fields=['customer', '-changed_at'], name='profile_change_recent')],
                    },
                ),
                migrations.CreateModel(
                    name='ProfileFact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('field', models.CharField(choices=[('phone', 'phone'), ('email', 'e-mail'), ('company', 'company'), ('job_title', 'job title'), ('birthday', 'birthday'), ('age', 'age'), ('city', 'city'), ('hometown', 'hometown'), ('married', 'married'), ('children', 'children'), ('budget', 'budget'), ('interest', 'product interest'), ('hobby', 'hobby'), ('mbti', 'MBTI')], max_length=20, verbose_name='field')),
                        ('value', models.CharField(max_length=200, verbose_name='value')),
                        ('confidence', models.FloatField(verbose_name='confidence')),
                        ('status', models.CharField(choices=[('suggested', 'Suggested'), ('confirmed', 'Confirmed'), ('rejected', 'Rejected')], default='suggested', max_length=10, verbose_name='status')),
                        ('source_excerpt', models.CharField(max_length=300, verbose_name='source excerpt')),
                        ('current_value', models.CharField(blank=True, help_text="The profile's different value when the fact was found: a conflict staff must settle.", max_length=200, verbose_name='profile value when found')),
                        ('found_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='found at')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='facts', to='crm.customer', verbose_name='customer')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('source_message', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='facts', to='crm.chatmessage', verbose_name='source message')),
                    ],
                    options={
                        'verbose_name': 'profile fact',
                        'verbose_name_plural': 'profile facts',
                        'db_table': 'crm_profilefact',
                        'ordering': ['-found_at', '-pk'],
                        'indexes': [models.Index(fields=['customer', 'status', '-found_at'], name='fact_customer_status')],
                        'constraints': [models.UniqueConstraint(fields=('source_message', 'field', 'value'), name='fact_once_per_message')],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.CharField(max_length=100, verbose_name='event id')),
                        ('event_type', models.CharField(max_length=40, verbose_name='event type')),
                        ('received_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received at')),
                        ('status', models.CharField(choices=[('processed', 'Processed'), ('failed', 'Failed')], default='processed', max_length=10, verbose_name='status')),
                        ('error', models.CharField(blank=True, max_length=300, verbose_name='error')),
                        ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='crm.customer', verbose_name='customer')),
                        ('integration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='im_profile.imintegration', verbose_name='integration')),
                    ],
                    options={
                        'verbose_name': 'webhook delivery',
                        'verbose_name_plural': 'webhook deliveries',
                        'db_table': 'crm_webhookdelivery',
                        'ordering': ['-received_at'],
                        'constraints': [models.UniqueConstraint(fields=('integration', 'event_id'), name='webhook_event_once')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
