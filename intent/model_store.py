"""Where trained intent models live: files under MODEL_DIR, recorded by ``IntentModelVersion`` rows.

Each organisation trains on its own catalogue and history (issue 19, one engine: X2), so each has its own
versions and at most one active version. Activating a version checks its file first — present, unchanged since
training (SHA-256) — and refuses a missing or corrupt file with a message saying which, so a bad file never
becomes the active model; only the versions of the same organisation are deactivated. This process then forgets
that organisation's loaded model (``slot_name(organisation)``, a slot of ``intent.inference``); other processes
notice within ``inference.RECHECK_SECONDS``.

An organisation without an active version is on the cold-start ranking (``intent.fallback``):
``engine_status(organisation)`` says so wherever the engine is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from base import model_files
from crm.models import Organisation
from intent.models import IntentModelVersion

SLOT = "intent"  # slots of loaded models are named "intent:<organisation pk>" (intent.inference.model_slot)


def slot_name(organisation: Organisation | int) -> str:
    return f"{SLOT}:{getattr(organisation, 'pk', organisation)}"


def _organisation_id(organisation: Organisation | int | None) -> int:
    """``None`` is the default organisation (a single-company deployment never names one)."""
    if organisation is None:
        return Organisation.default().pk
    return getattr(organisation, "pk", organisation)


def activate_version(version: IntentModelVersion) -> IntentModelVersion:
    """Make ``version`` its organisation's one active model (also how a rollback is done); the versions of other
    organisations stay as they are."""
    model_files.verify_file(version)
    with transaction.atomic():
        IntentModelVersion.objects.filter(organisation_id=version.organisation_id, is_active=True).exclude(
            pk=version.pk
        ).update(is_active=False)
        version.is_active = True
        version.save(update_fields=["is_active"])
        name = slot_name(version.organisation_id)
        transaction.on_commit(lambda: model_files.forget(name))
    return version


def active_version(organisation: Organisation | int | None = None) -> IntentModelVersion | None:
    """The organisation's active version (``None``: the default organisation's)."""
    return IntentModelVersion.objects.filter(organisation_id=_organisation_id(organisation), is_active=True).first()


@dataclass(frozen=True)
class EngineStatus:
    organisation: Organisation
    version: IntentModelVersion | None

    @property
    def cold_start(self) -> bool:
        return self.version is None

    def describe(self) -> str:
        if self.version is None:
            return _(
                "%(organisation)s: cold start — no trained model yet; customers are ranked by their level and profile."
            ) % {"organisation": self.organisation.name}
        return _("%(organisation)s: model %(version)s ranks the customers.") % {
            "organisation": self.organisation.name,
            "version": self.version.version,
        }


def engine_status(organisation: Organisation | int | None = None) -> EngineStatus:
    """Which model ranks for ``organisation``: its active version, or the cold-start ranking (``cold_start``)."""
    organisation_id = _organisation_id(organisation)
    found = organisation if isinstance(organisation, Organisation) else Organisation.objects.get(pk=organisation_id)
    return EngineStatus(found, active_version(organisation_id))
