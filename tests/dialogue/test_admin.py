"""Admin of the conversation engine: audited settings with validation, word-list CSV import/export,
and the conversation browser."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dialogue.analysis import analyze_reply
from dialogue.config import get_scoring, scoring_record
from dialogue.models import ScoringSettings, ScoringSettingsChange, WordEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def operator(db):
    """The product's operator: a superuser above every organisation, who edits the product-wide defaults (a manager
    sees them read-only and changes only their organisation's own row, issue 19)."""
    from crm.models import User

    return User.objects.create_superuser("operator", "operator@example.cn", "correct-horse-battery-staple")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def settings_form(record: ScoringSettings, **changes) -> dict:
    data = {name: getattr(record, name) for name in ScoringSettings.AUDITED_FIELDS}
    data.update(changes)
    return data


def post_settings(operator_client, **changes):
    record = scoring_record()
    url = reverse("admin:dialogue_scoringsettings_change", args=[record.pk])
    return operator_client.post(url, settings_form(record, **changes), HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("alpha", 0, "α must be greater than 0"),
        ("alpha", -1, "α must be greater than 0"),
        ("beta", 0, "β must be less than 0"),
        ("beta", 0.5, "β must be less than 0"),
        ("deal_rate_threshold", 1.5, "deal-rate threshold must be greater than 0 and at most 1"),
        ("model_weight", 0.6, "must add up to 1"),  # the default lexicon weight is 0.1
        ("call_voice_weight", 0.9, "keyword and voice emotion weights must add up to 1"),
        ("call_keyword_weight", 1.5, "must lie between 0 and 1"),
        ("analysis_interval_seconds", 0, "between 1 and 3600"),
    ],
)
def test_impossible_settings_are_refused_with_a_clear_message(operator_client, english, field, value, message):
    before = {n: getattr(scoring_record(), n) for n in ScoringSettings.AUDITED_FIELDS}
    response = post_settings(operator_client, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert {n: getattr(scoring_record(), n) for n in ScoringSettings.AUDITED_FIELDS} == before
    assert not ScoringSettingsChange.objects.exists()


def test_a_settings_change_is_audited_and_takes_effect_at_once(operator_client, operator):
    get_scoring()  # cached before the change
    response = post_settings(operator_client, alpha=1.5, beta=-3.0)
    assert response.status_code == 302
    changes = {c.field: (c.old_value, c.new_value, c.changed_by) for c in ScoringSettingsChange.objects.all()}
    assert changes == {"alpha": ("1.0", "1.5", operator), "beta": ("-2.0", "-3.0", operator)}
    assert get_scoring().alpha == 1.5
    assert scoring_record().updated_by == operator


def test_a_manager_sees_the_product_wide_settings_but_may_not_change_them(manager_client):
    record = scoring_record()
    url = reverse("admin:dialogue_scoringsettings_change", args=[record.pk])
    assert manager_client.get(url).status_code == 200
    assert manager_client.post(url, settings_form(record, alpha=1.5)).status_code == 403
    assert scoring_record().alpha == record.alpha


def test_word_list_import_adds_and_updates_entries(manager_client, manager):
    WordEntry.objects.filter(kind="positive", language="zh-hans", word="棒极了").delete()
    data = "kind,language,word,label,weight\npositive,zh-hans,棒极了,,1\ndegree,zh-hans,非常,,2.5\n"
    response = manager_client.post(
        reverse("admin:dialogue_wordentry_import"),
        {"file": SimpleUploadedFile("words.csv", data.encode())},
    )
    assert response.status_code == 302
    # A manager imports into their organisation's own lists; the product-wide entries stay as they were (issue 19).
    own = WordEntry.objects.filter(organisation=manager.organisation)
    assert own.filter(kind="positive", word="棒极了").exists()
    assert own.get(kind="degree", language="zh-hans", word="非常").weight == 2.5


def test_a_bad_line_refuses_the_whole_import(manager_client, english):
    count = WordEntry.objects.count()
    data = (
        "kind,language,word,label,weight\n"
        "positive,zh-hans,新词甲,,1\n"
        "emotion_keyword,zh-hans,气死我了,furious,1\n"
        "nonsense,zh-hans,新词乙,,1\n"
        "degree,zh-hans,超级,,abc\n"
    )
    response = manager_client.post(
        reverse("admin:dialogue_wordentry_import"),
        {"file": SimpleUploadedFile("words.csv", data.encode())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 3" in page and "Line 4" in page and "Line 5" in page
    assert WordEntry.objects.count() == count


def test_word_list_export_is_csv_that_imports_back(manager_client):
    entries = WordEntry.objects.filter(kind="negator", language="zh-hans")
    response = manager_client.post(
        reverse("admin:dialogue_wordentry_changelist"),
        {"action": "export_selected", "_selected_action": [e.pk for e in entries]},
    )
    body = response.content.decode()
    assert response["Content-Type"] == "text/csv"
    assert body.splitlines()[0] == "kind,language,word,label,weight"
    assert len(body.splitlines()) == entries.count() + 1
    response = manager_client.post(
        reverse("admin:dialogue_wordentry_import"), {"file": SimpleUploadedFile("w.csv", body.encode())}
    )
    assert response.status_code == 302


def test_conversation_browser_shows_emotion_k_and_p_with_escaped_text(manager_client, conversation):
    analyze_reply(conversation, "<b>太贵了</b>，不满意")
    page = manager_client.get(reverse("admin:dialogue_conversation_change", args=[conversation.pk])).content.decode()
    assert "&lt;b&gt;太贵了&lt;/b&gt;" in page
    message = conversation.messages.filter(sender="customer").get()
    assert str(message.satisfaction) in page
    assert str(message.deal_rate) in page


def test_admin_activates_an_emotion_version_and_refuses_a_corrupt_one(manager_client, settings, tmp_path, english):
    from pathlib import Path

    from dialogue.emotion_store import SHIPPED_MODEL, install_shipped_model, register_model_file
    from dialogue.models import EmotionModelVersion

    settings.MODEL_DIR = tmp_path
    shipped = install_shipped_model()
    other = register_model_file(SHIPPED_MODEL, "emotion-other", {}, {})
    url = reverse("admin:dialogue_emotionmodelversion_changelist")
    manager_client.post(url, {"action": "activate", "_selected_action": [other.pk]})
    assert EmotionModelVersion.objects.get(is_active=True) == other
    path = Path(settings.MODEL_DIR) / shipped.path
    path.write_bytes(b"not a model")
    response = manager_client.post(url, {"action": "activate", "_selected_action": [shipped.pk]}, follow=True)
    assert "checksum" in response.content.decode()
    assert EmotionModelVersion.objects.get(is_active=True) == other


def test_the_chat_and_the_calls_keep_their_own_emotion_weights(operator_client):
    """V5: tuning the chat's lexicon/model blend leaves the calls' keyword/voice fusion alone, and back."""
    from dialogue.speech.recognition import emotion_weights

    assert post_settings(operator_client, lexicon_weight=0.7, model_weight=0.3).status_code == 302
    assert emotion_weights() == (0.4, 0.6)
    assert post_settings(operator_client, call_keyword_weight=0.2, call_voice_weight=0.8).status_code == 302
    assert emotion_weights() == (0.2, 0.8)
    scoring = get_scoring()
    assert (scoring.lexicon_weight, scoring.model_weight) == (0.7, 0.3)
