"""The models of this app moved here from ``salescard`` (issue 18). Their tables keep their names (``db_table``), so
this migration changes only Django's state, never the database; the content types (and with them permissions
and admin history) follow the models."""


import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ['apitoken']


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label='salescard', model__in=MOVED).update(app_label='base')


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label='base', model__in=MOVED).update(app_label='salescard')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('salescard', '0005_api_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='key (SHA-256)')),
                        ('prefix', models.CharField(editable=False, max_length=8, verbose_name='key begins with')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('expires_at', models.DateTimeField(verbose_name='expires at')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'API key',
                        'verbose_name_plural': 'API keys',
                        'db_table': 'salescard_apitoken',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
