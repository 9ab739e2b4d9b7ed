"""Calls get their own V5 emotion weights (issue 18): until now they shared the chat's lexicon/model weights, so
an existing row starts from the values calls used."""

from django.db import migrations, models


def copy_shared_weights(apps, schema_editor):
    settings = apps.get_model("dialogue", "ScoringSettings")
    for row in settings.objects.all():
        row.call_keyword_weight, row.call_voice_weight = row.lexicon_weight, row.model_weight
        row.save(update_fields=["call_keyword_weight", "call_voice_weight"])


class Migration(migrations.Migration):

    dependencies = [
        ('dialogue', '0006_call_models_moved'),
    ]

    operations = [
        migrations.AddField(
            model_name='scoringsettings',
            name='call_keyword_weight',
            field=models.FloatField(default=0.4, help_text='V5 in calls: weight of the first emotion (keywords) against how it was said.', verbose_name='call: keyword emotion weight'),
        ),
        migrations.AddField(
            model_name='scoringsettings',
            name='call_voice_weight',
            field=models.FloatField(default=0.6, help_text='V5 in calls: weight of the second emotion (how it was said, from the voice).', verbose_name='call: voice emotion weight'),
        ),
        migrations.RunPython(copy_shared_weights, migrations.RunPython.noop),
    ]
