"""The call page of the sales terminal (SPEC V1, V7–V9): who may open it, which customers and calls it lists, and
customer text escaped."""

from __future__ import annotations

import pytest

from crm.consent import record_consent
from crm.models import Consent
from dialogue.calls.models import Call, CallSegment
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_first_and_only_salespeople_and_managers(client):
    assert client.get("/sales/calls/").url.startswith("/sales/login/")
    client.force_login(UserFactory(role="branch_staff", username="b1"))
    assert client.get("/sales/calls/").status_code == 403


def test_the_page_lists_own_customers_with_their_recording_consent(client, salesperson):
    agreed = CustomerFactory(owner=salesperson, name="同意的客户")
    record_consent(agreed, Consent.Purpose.CALL_RECORDING, True)
    CustomerFactory(owner=salesperson, name="未同意的客户")
    CustomerFactory(owner=UserFactory(role="sales", username="other"), name="别人的客户")
    client.force_login(salesperson)
    html = client.get("/sales/calls/").content.decode()
    assert "同意的客户" in html and "别人的客户" not in html
    assert html.count("data-no-consent") == 1


def test_a_call_opens_for_its_people_only_and_customer_text_is_escaped(client, salesperson):
    customer = CustomerFactory(owner=salesperson, name="<script>alert(1)</script>")
    call = Call.objects.create(customer=customer, salesperson=salesperson, recording="calls/x.wav", status="done")
    CallSegment.objects.create(call=call, index=0, start=0, end=1, text="</script><img src=x onerror=alert(2)>",
                               emotion="calm", first_emotion="calm")  # fmt: skip
    client.force_login(salesperson)
    html = client.get(f"/sales/calls/{call.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html  # the segment travels as escaped JSON, rendered with textContent
    client.force_login(UserFactory(role="sales", username="stranger"))
    assert client.get(f"/sales/calls/{call.pk}/").status_code == 404
    client.force_login(UserFactory(role="manager", username="boss"))
    assert client.get(f"/sales/calls/{call.pk}/").status_code == 200
