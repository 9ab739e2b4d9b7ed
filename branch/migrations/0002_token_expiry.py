"""Device and kiosk tokens expire (issue 16): when each was issued. Tokens issued before count from this migration."""

import django.utils.timezone
from django.db import migrations, models


def existing_kiosk_tokens_start_now(apps, schema_editor) -> None:
    branch_model = apps.get_model("branch", "Branch")
    branch_model.objects.exclude(kiosk_token_hash="").update(kiosk_token_issued_at=django.utils.timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("branch", "0001_clienteling"),
    ]

    operations = [
        migrations.AddField(
            model_name="branch",
            name="kiosk_token_issued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="kiosk token issued at"),
        ),
        migrations.AddField(
            model_name="wearable",
            name="token_issued_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="token issued at"
            ),
        ),
        migrations.RunPython(existing_kiosk_tokens_start_now, migrations.RunPython.noop),
    ]
