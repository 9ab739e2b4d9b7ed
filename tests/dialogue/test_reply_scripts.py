"""Reply scripts (SPEC V6–V9): the target model learns from the shipped history and uses the emotion; the final
choice weighs scene context, product category and what was already used; feedback above the threshold becomes a
training sample and retraining records a new version; sending a reply needs the customer's contact consent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from base.model_files import file_sha256
from crm.consent import record_consent
from crm.models import Consent
from dialogue.calls.models import Call, CallSegment, ReplyModelVersion, ReplySample, ReplyScript, ReplySuggestion
from dialogue.calls.script_library import HISTORY_FILE, seed_reply_library
from dialogue.calls.suggestions import choose, scene_affinity, suggest_after
from dialogue.calls.target_model import Example, ReplyModel, fit, train_and_evaluate
from dialogue.sms import ConsoleSmsBackend
from tests.factories import CustomerFactory, ProductCategoryFactory, UserFactory

CALLS = "/api/dialogue/calls/"

# Three tests train the reply model (about 30 s each on two idle cores); on a machine busy with other training they
# have taken over the suite's 300 s limit, which is there to catch hangs, not slow training.
pytestmark = pytest.mark.timeout(900)


def history() -> list[Example]:
    rows = [json.loads(line) for line in HISTORY_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Example(r["text"], tuple(r["context"]), r["emotion"], r["scene"], r.get("category", ""), {}, r["script"])
        for r in rows
    ]


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """The target model trained once on the whole shipped history (a few seconds)."""
    return fit(history()).save(tmp_path_factory.mktemp("reply") / "model.pt")


@pytest.fixture
def library(db, settings, tmp_path, trained):
    """The shipped scripts and history in the database, the trained model active."""
    settings.MODEL_DIR = str(tmp_path)
    for code in ("sofa", "fund", "critical-illness"):
        ProductCategoryFactory(code=code)
    seed_reply_library()
    (tmp_path / "reply").mkdir()
    shutil.copyfile(trained, tmp_path / "reply" / "shipped.pt")
    return ReplyModelVersion.objects.create(
        version="test", path="reply/shipped.pt", sha256=file_sha256(tmp_path / "reply" / "shipped.pt"), is_active=True
    )


class Said:
    def __init__(self, text: str, emotion: str = "calm", scene: str = "general", sound: dict | None = None) -> None:
        self.text, self.emotion, self.scene, self.sound = text, emotion, scene, sound or {}


def test_the_model_learns_the_history_and_uses_the_emotion():
    model, metrics = train_and_evaluate(history())
    held_out, without, majority = metrics["held_out"], metrics["without_emotion"], metrics["scene_majority"]
    assert held_out["n"] > 100 and metrics["scripts"] >= 60
    assert held_out["top3"] >= 0.9
    assert held_out["top1"] > without["top1"] + 0.1  # the emotion carries information the words do not
    assert held_out["top1"] > majority["top1"] + 0.3
    assert metrics["emotion_swapped"]["top1"] < held_out["top1"]


def test_a_saved_model_loads_with_the_same_answers(trained, tmp_path):
    model = ReplyModel.load(trained)
    example = Example("太贵了，便宜点吧", emotion="calm", scene="objection")
    again = ReplyModel.load(model.save(tmp_path / "again.pt"))
    assert again.probabilities(example) == pytest.approx(model.probabilities(example))


def test_the_same_words_calm_or_angry_get_different_replies(library):
    calm = choose([Said("现在有事，不要说了", "calm")], "zh-hans")
    angry = choose([Said("现在有事，不要说了", "angry")], "zh-hans")
    assert calm[0].key == "busy-call-back"
    assert angry[0].key == "annoyed-apologise-end"
    assert len(calm) == len(angry) == 3 and calm[0].reasons


def test_the_scene_of_the_sentences_before_carries_over():
    assert scene_affinity(["objection", "general"]) == {"objection": 1.0, "general": 1.0}
    assert scene_affinity(["opening", "pre_sale", "objection"])["objection"] == 1.0
    assert scene_affinity(["opening", "pre_sale", "objection"])["opening"] == 0.25
    assert scene_affinity([]) == {}


def test_product_scripts_only_for_their_product_and_used_ones_drop(library):
    sofa_scripts = set(ReplyScript.objects.filter(category__code="sofa").values_list("key", flat=True))
    assert sofa_scripts
    said = [Said("这个沙发的面料好打理吗", "calm", "pre_sale")]
    for_fund = {s.key for s in choose(said, "zh-hans", "fund", k=100)}
    assert not sofa_scripts & for_fund
    first = choose(said, "zh-hans", "sofa")[0]
    assert first.key in sofa_scripts
    assert choose(said, "zh-hans", "sofa", used=frozenset({first.key}))[0].key != first.key


def test_english_calls_get_english_scripts(library):
    chosen = choose([Said("I'm busy right now, call me later.", "calm")], "en")
    assert chosen and all(s.key.endswith("-en") for s in chosen)


def test_a_manager_written_script_is_offered_before_any_training(library):
    ReplyScript.objects.create(key="new-closing", text="新的收尾话术", scene="closing")
    keys = {s.key for s in choose([Said("好的谢谢，那就这样", "joyful", "closing")], "zh-hans", k=10)}
    assert "new-closing" in keys


# --- Through the API -------------------------------------------------------------------------------------------------
@pytest.fixture
def call_with_suggestions(library, salesperson):
    customer = CustomerFactory(owner=salesperson, phone="13900001111")
    call = Call.objects.create(customer=customer, salesperson=salesperson, recording="calls/x.wav", status="done")
    for index, (text, emotion, scene) in enumerate(
        [("您好，哪位？", "calm", "opening"), ("太贵了，能便宜点吗", "calm", "objection")]
    ):
        segment = CallSegment.objects.create(
            call=call, index=index, start=index * 3.0, end=index * 3.0 + 2.5, text=text, emotion=emotion,
            first_emotion=emotion, scene=scene, sound={"f0_mean": 180.0, "energy_mean": -20.0, "intonation": "level"},
        )  # fmt: skip
        suggest_after(segment, "")
    return call


def feedback(client, call, suggestion, body):
    return client.post(f"{CALLS}{call.pk}/suggestions/{suggestion.pk}/feedback/", body, format="json")


def test_the_call_lists_its_suggestions(client_for, salesperson, call_with_suggestions):
    body = client_for(salesperson).get(f"{CALLS}{call_with_suggestions.pk}/").json()
    assert [s["rank"] for s in body["suggestions"] if s["segment"] == 1] == [1, 2, 3]
    assert body["suggestions"][0]["text"] and body["suggestions"][0]["reasons"] is not None


def test_used_or_rated_above_the_threshold_becomes_a_training_sample(
    client_for, salesperson, call_with_suggestions, monkeypatch
):
    queued = []
    monkeypatch.setattr("dialogue.calls.tasks.enqueue_reply_retraining", lambda: queued.append(1))
    client = client_for(salesperson)
    suggestion = ReplySuggestion.objects.filter(call=call_with_suggestions, segment__index=1, rank=1).get()
    response = feedback(client, call_with_suggestions, suggestion, {"used": True})
    assert response.status_code == 200 and response.json()["used"] is True
    sample = ReplySample.objects.get(source="feedback")
    assert (sample.text, sample.script, sample.score) == ("太贵了，能便宜点吗", suggestion.script, 70)
    assert sample.context == ["您好，哪位？"] and sample.sound["f0_mean"] == 180.0
    response = feedback(client, call_with_suggestions, suggestion, {"rating": "poor"})
    assert response.json()["rating"] == 20
    assert not ReplySample.objects.filter(source="feedback").exists()  # a low rating takes it back
    feedback(client, call_with_suggestions, suggestion, {"rating": "excellent"})
    assert ReplySample.objects.get(source="feedback").score == 80
    assert queued == []  # one sample is below REPLY_RETRAIN_AFTER


def test_the_threshold_is_the_editable_one(client_for, salesperson, call_with_suggestions, monkeypatch):
    from dialogue.config import invalidate_config
    from dialogue.models import ScoringSettings

    monkeypatch.setattr("dialogue.calls.tasks.enqueue_reply_retraining", lambda: None)
    ScoringSettings.objects.update(feedback_score_threshold=85)
    invalidate_config()
    suggestion = ReplySuggestion.objects.filter(call=call_with_suggestions, rank=1).first()
    feedback(client_for(salesperson), call_with_suggestions, suggestion, {"rating": "excellent"})
    assert not ReplySample.objects.filter(source="feedback").exists()


def test_enough_new_samples_queue_a_retraining(
    client_for, salesperson, call_with_suggestions, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.REPLY_RETRAIN_AFTER = 2
    queued = []
    monkeypatch.setattr("dialogue.calls.tasks.enqueue_reply_retraining", lambda: queued.append(1))
    client = client_for(salesperson)
    for suggestion in ReplySuggestion.objects.filter(call=call_with_suggestions, rank=1):
        with django_capture_on_commit_callbacks(execute=True):
            feedback(client, call_with_suggestions, suggestion, {"rating": 90})
    assert queued == [1]


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "used"), ({"rating": "great"}, "rating must be"), ({"rating": 101}, "rating must be"),
     ({"used": "yes"}, "used must be"), ({"rating": True}, "rating must be")],
)  # fmt: skip
def test_bad_feedback_is_refused(client_for, salesperson, call_with_suggestions, body, message, english):
    suggestion = ReplySuggestion.objects.filter(call=call_with_suggestions).first()
    response = feedback(client_for(salesperson), call_with_suggestions, suggestion, body)
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not ReplySample.objects.filter(source="feedback").exists()


def test_only_linked_staff_give_feedback(client_for, call_with_suggestions):
    suggestion = ReplySuggestion.objects.filter(call=call_with_suggestions).first()
    stranger = UserFactory(role="sales", username="stranger")
    assert feedback(client_for(stranger), call_with_suggestions, suggestion, {"used": True}).status_code == 404
    other = Call.objects.create(customer=call_with_suggestions.customer, recording="calls/y.wav")
    salesperson = call_with_suggestions.salesperson
    assert feedback(client_for(salesperson), other, suggestion, {"used": True}).status_code == 404


def test_sending_to_the_customer_needs_their_contact_consent(client_for, salesperson, call_with_suggestions, english):
    suggestion = ReplySuggestion.objects.filter(call=call_with_suggestions).first()
    url = f"{CALLS}{call_with_suggestions.pk}/suggestions/{suggestion.pk}/send/"
    response = client_for(salesperson).post(url)
    assert response.status_code == 400 and "agreed to be contacted" in response.json()["detail"]
    record_consent(call_with_suggestions.customer, Consent.Purpose.CONTACT, True)
    response = client_for(salesperson).post(url)
    assert response.status_code == 200 and response.json()["sent"] is True
    assert ConsoleSmsBackend.sent[-1] == ("13900001111", suggestion.script.text)


def test_retraining_records_a_version_with_its_figures_in_the_admin(library, client_for, manager, settings):
    from dialogue.calls.tasks import retrain_reply_model_task

    retrain_reply_model_task()  # what the training worker runs
    version = ReplyModelVersion.objects.exclude(version="test").get()
    assert version.samples == ReplySample.objects.count()
    assert version.metrics["held_out"]["top3"] >= 0.9 and (Path(settings.MODEL_DIR) / version.path).is_file()
    # the gate: its choice of reply kind beats the cue rules and the scene majority on the held-out split, so it goes
    # live and the verdict says so
    assert version.verdict["passed"] and version.verdict["serving"] == "model"
    assert version.is_active and not ReplyModelVersion.objects.get(version="test").is_active
    client = client_for(manager)
    client.force_login(manager)
    page = client.get("/admin/calls/replymodelversion/")
    assert page.status_code == 200 and version.version in page.content.decode()


def test_a_deal_turns_the_replies_used_into_samples(client_for, salesperson, call_with_suggestions, monkeypatch):
    monkeypatch.setattr("dialogue.calls.tasks.enqueue_reply_retraining", lambda: None)
    client = client_for(salesperson)
    first, second = ReplySuggestion.objects.filter(call=call_with_suggestions, segment__index=1, rank__lte=2)
    feedback(client, call_with_suggestions, first, {"used": True})  # a sample scored 70
    feedback(client, call_with_suggestions, second, {"used": True, "rating": "poor"})  # used, but rated low
    url = f"{CALLS}{call_with_suggestions.pk}/outcome/"
    assert client.post(url, {"outcome": "won"}, format="json").status_code == 400
    assert client.post(url, {"outcome": "no_deal"}, format="json").json()["outcome"] == "no_deal"
    assert list(ReplySample.objects.exclude(source="seed").values_list("score", flat=True)) == [70]
    assert client.post(url, {"outcome": "deal"}, format="json").json()["outcome"] == "deal"
    sample = ReplySample.objects.exclude(source="seed").get()
    assert (sample.script, sample.score, sample.source) == (first.script, 100, "outcome")
    client.post(url, {"outcome": "deal"}, format="json")
    assert ReplySample.objects.exclude(source="seed").count() == 1  # recorded once; the low rating stands


def test_erasing_the_customer_removes_calls_recordings_and_samples_from_their_words(
    client_for, salesperson, manager, call_with_suggestions, monkeypatch, settings, tmp_path
):
    from django.core.files.base import ContentFile

    monkeypatch.setattr("dialogue.calls.tasks.enqueue_reply_retraining", lambda: None)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_with_suggestions.recording.save("call.wav", ContentFile(b"RIFF...."), save=True)
    path = Path(call_with_suggestions.recording.path)
    suggestion = ReplySuggestion.objects.filter(call=call_with_suggestions).first()
    feedback(client_for(salesperson), call_with_suggestions, suggestion, {"rating": "excellent"})
    seeded = ReplySample.objects.filter(source="seed").count()
    customer = call_with_suggestions.customer
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(manager).post(f"/api/crm/customers/{customer.pk}/profile/erase/")
    assert response.status_code == 200, response.content
    assert not Call.objects.filter(customer=customer).exists() and not path.exists()
    assert not ReplySample.objects.exclude(source="seed").exists()
    assert ReplySample.objects.filter(source="seed").count() == seeded  # the shipped history stays


# --- Issue 20: replies a salesperson would say ------------------------------------------------------------------------
def test_an_angry_late_delivery_gets_an_apology_with_a_remedy_not_a_goodbye(library):
    chosen = choose([Said("我的沙发到现在还没送到", "angry", "after_sale")], "zh-hans", "sofa")
    kinds = dict(ReplyScript.objects.values_list("key", "kind"))
    assert kinds[chosen[0].key] == "apology_remedy" and "抱歉" in chosen[0].text
    assert "annoyed-apologise-end" not in [s.key for s in chosen]


def test_interest_gets_the_next_step_not_a_callback(library):
    chosen = choose([Said("好的，我想去看看", "joyful", "general")], "zh-hans", "sofa")
    kinds = dict(ReplyScript.objects.values_list("key", "kind"))
    assert kinds[chosen[0].key] == "next_step"
    assert "busy-call-back" not in [s.key for s in chosen]


@pytest.mark.parametrize(
    ("text", "emotion"),
    [("我的沙发到现在还没送到", "angry"), ("这个价格太高了吧", "angry"), ("我再考虑考虑", "calm"),
     ("推销的吧", "angry"), ("嗯，在忙", "angry"), ("理财说好的收益，到期少了一大截", "angry")],
)  # fmt: skip
def test_no_goodbye_first_for_a_customer_who_is_engaged_or_upset(library, text, emotion):
    first = choose([Said(text, emotion)], "zh-hans")[0]
    assert ReplyScript.objects.get(key=first.key).kind not in ("goodbye", "do_not_disturb")


def test_a_goodbye_is_answered_with_a_goodbye(library):
    first = choose([Said("好的，谢谢，再见", "joyful", "closing")], "zh-hans")[0]
    assert ReplyScript.objects.get(key=first.key).kind == "goodbye"


def test_the_salesperson_s_own_sentences_get_no_suggestions(library, salesperson):
    call = Call.objects.create(customer=CustomerFactory(owner=salesperson), salesperson=salesperson, recording="x.wav")
    said = [("您好，我是小王，您想买沙发吗？", "salesperson"), ("你好，这个沙发多少钱？", "customer"),
            ("这款沙发三千八百块。", "salesperson"), ("太贵了，可以打折吗？", "customer")]  # fmt: skip
    for index, (text, speaker) in enumerate(said):
        segment = CallSegment.objects.create(
            call=call, index=index, start=index * 3.0, end=index * 3.0 + 2.5, text=text, emotion="calm",
            first_emotion="calm", speaker=speaker,
        )  # fmt: skip
        suggest_after(segment, "sofa")
    suggested = set(ReplySuggestion.objects.filter(call=call).values_list("segment__speaker", flat=True))
    assert suggested == {"customer"}
    assert ReplySuggestion.objects.filter(call=call, segment__index=3).count() == 3


def test_a_candidate_worse_than_its_baselines_is_not_activated(library):
    from dialogue.calls.script_library import retrain_reply_model

    untrained = retrain_reply_model(epochs=0)  # a network that never saw the history
    assert not untrained.is_active and ReplyModelVersion.objects.get(version="test").is_active
    verdict = untrained.verdict
    assert verdict["passed"] is False and verdict["serving"] in ("rules", "scene_majority")
    assert verdict["candidate"] < max(verdict["baselines"].values())
    assert "not activated" in verdict["reason"]
