"""``manage.py install_emotion_model``: install and activate the emotion model shipped in the repository
when no emotion model is active (SPEC S16; what ``make run`` does on a fresh machine)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from base.model_files import ModelFileError
from dialogue.emotion_store import install_shipped_model


class Command(BaseCommand):
    help = "Install the shipped emotion model unless one is active."

    def handle(self, *args, **options) -> None:
        try:
            version = install_shipped_model()
        except ModelFileError as error:
            raise CommandError(str(error)) from error
        if version is None:
            self.stdout.write("An emotion model is active; nothing to do.")
        else:
            self.stdout.write(f"Emotion model {version.version} installed and active.")
