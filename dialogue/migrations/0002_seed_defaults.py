"""Seed the default word lists, answer templates and scoring settings (SPEC X1)."""

from django.db import migrations


def seed(apps, schema_editor):
    from dialogue.seeding import seed_defaults

    seed_defaults(
        apps.get_model("dialogue", "WordEntry"),
        apps.get_model("dialogue", "AnswerTemplate"),
        apps.get_model("dialogue", "ScoringSettings"),
    )


class Migration(migrations.Migration):
    dependencies = [("dialogue", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
