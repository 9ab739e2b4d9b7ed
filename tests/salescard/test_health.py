"""Health endpoints: /healthz for liveness, /readyz naming each dependency's state."""

from __future__ import annotations

import pytest

from salescard import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_green_on_the_embedded_default(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "channel_layer", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["channel_layer"]["detail"] == "InMemoryChannelLayer"


def test_readyz_names_the_failing_dependency_with_503(client, monkeypatch) -> None:
    def broker_down() -> str:
        raise ConnectionRefusedError("Connection refused by 127.0.0.1:6379")

    monkeypatch.setattr(health, "check_broker", broker_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unready"
    assert body["checks"]["broker"] == {
        "ok": False,
        "detail": "ConnectionRefusedError: Connection refused by 127.0.0.1:6379",
        "ms": body["checks"]["broker"]["ms"],
    }
    assert body["checks"]["database"]["ok"] is True


def test_health_endpoints_refuse_writes(client) -> None:
    assert client.post("/healthz").status_code == 405
