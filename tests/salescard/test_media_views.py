"""Uploaded files with DEBUG off (issue 16): the card's public images are served; customers' chat images and call
recordings only to staff who may see that customer, a 404 to everyone else."""

from __future__ import annotations

import pytest
from django.test import override_settings

from crm.models import ChatMessage
from dialogue.calls.models import Call
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    for name in ("products/sofa.png", "cards/photos/chen.png", "chat/2026/12/photo.png", "calls/2026/12/call.wav"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(PNG)
    (tmp_path / "notes.txt").write_text("not an upload")
    return tmp_path


@pytest.fixture
def private_files(media, salesperson):
    customer = CustomerFactory(owner=salesperson, name="王芳")
    ChatMessage.objects.create(customer=customer, direction="in", kind="image", image="chat/2026/12/photo.png")
    Call.objects.create(customer=customer, recording="calls/2026/12/call.wav")
    return customer


@override_settings(DEBUG=False)
@pytest.mark.parametrize("path", ["/media/products/sofa.png", "/media/cards/photos/chen.png"])
def test_public_media_is_served_with_debug_off(client, media, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


@override_settings(DEBUG=False)
@pytest.mark.parametrize("path", ["/media/chat/2026/12/photo.png", "/media/calls/2026/12/call.wav"])
def test_private_media_is_a_404_for_a_visitor(client, private_files, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert PNG not in response.content


@override_settings(DEBUG=True)
def test_private_media_is_a_404_with_debug_on_too(client, private_files) -> None:
    assert client.get("/media/chat/2026/12/photo.png").status_code == 404


@pytest.mark.parametrize("path", ["/media/chat/2026/12/photo.png", "/media/calls/2026/12/call.wav"])
def test_the_customers_salesperson_gets_private_media(client, private_files, salesperson, path: str) -> None:
    client.force_login(salesperson)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/media/chat/2026/12/photo.png", "/media/calls/2026/12/call.wav"])
def test_an_unrelated_salesperson_gets_a_404(client, private_files, path: str) -> None:
    client.force_login(UserFactory(role="sales", username="sales2"))

    assert client.get(path).status_code == 404


def test_a_path_that_climbs_out_of_a_public_folder_is_judged_where_it_lands(client, private_files) -> None:
    assert client.get("/media/products/../chat/2026/12/photo.png").status_code == 404
    assert client.get("/media/products/%2e%2e/chat/2026/12/photo.png").status_code == 404


def test_files_outside_the_upload_folders_are_not_served(client, media, manager) -> None:
    client.force_login(manager)

    assert client.get("/media/notes.txt").status_code == 404


def test_an_uploaded_file_never_runs_as_a_page(client, media) -> None:
    response = client.get("/media/products/sofa.png")

    assert "sandbox" in response["Content-Security-Policy"].split("; ")
    assert response["X-Content-Type-Options"] == "nosniff"
