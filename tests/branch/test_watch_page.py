"""The watch page names the customer's preference topics and interests, never the record's keys (issue 17 item 4)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from crm.models import ProductCategory

pytestmark = pytest.mark.django_db


def watch_texts(client, language: str) -> dict:
    html = client.get(reverse("watch"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return json.loads(html.split('<script id="watch-texts" type="application/json">')[1].split("</script>")[0])


def test_the_watch_gets_names_for_preference_topics_and_interest_codes(client):
    ProductCategory.objects.create(code="sofa", name="沙发", line_of_business="home")

    texts = watch_texts(client, "zh-hans")

    assert texts["preferenceTopics"]["risk"] == "风险偏好"
    assert texts["preferenceTopics"]["contact_time"] == "联系时间"
    assert texts["categories"] == {}  # no company's names on a page anyone may load: the "ready" frame brings them
