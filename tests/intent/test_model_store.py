"""Model versions: activation checks the file; a corrupt or missing file is refused; rollback works."""

from __future__ import annotations

import pytest

from base.model_files import ModelFileError, file_sha256
from intent.model_store import activate_version, active_version
from intent.models import IntentModelVersion

pytestmark = pytest.mark.django_db


def make_version(model_dir, name: str, content: bytes = b"weights") -> IntentModelVersion:
    path = model_dir / f"{name}.pt"
    path.write_bytes(content)
    return IntentModelVersion.objects.create(version=name, path=path.name, sha256=file_sha256(path))


def test_activating_a_version_deactivates_the_previous_one_and_rollback_works(model_dir) -> None:
    first, second = make_version(model_dir, "v1"), make_version(model_dir, "v2")
    activate_version(first)
    activate_version(second)
    assert active_version() == second
    activate_version(first)
    assert active_version() == first
    assert IntentModelVersion.objects.filter(is_active=True).count() == 1


def test_corrupt_file_is_refused_and_the_active_model_stays(model_dir) -> None:
    good, bad = make_version(model_dir, "v1"), make_version(model_dir, "v2")
    activate_version(good)
    (model_dir / "v2.pt").write_bytes(b"tampered")
    with pytest.raises(ModelFileError, match="does not match its checksum"):
        activate_version(bad)
    assert active_version() == good


def test_missing_file_is_refused(model_dir) -> None:
    version = make_version(model_dir, "v1")
    (model_dir / "v1.pt").unlink()
    with pytest.raises(ModelFileError, match="missing"):
        activate_version(version)
    assert active_version() is None
