"""The cached configuration: a change to the word lists or settings is picked up without a restart."""

from __future__ import annotations

import pytest

from dialogue import config
from dialogue.analysis import analyze_reply
from dialogue.models import WordEntry


def test_a_new_word_counts_after_the_recheck_without_invalidation(conversation, monkeypatch):
    before = analyze_reply(conversation, "这沙发真是绝绝子")
    assert "positive" not in before.matched
    monkeypatch.setattr(config.CACHE, "recheck_seconds", 0.0)  # what another process sees after 5 s
    WordEntry.objects.create(kind="positive", language="zh-hans", word="绝绝子")
    after = analyze_reply(conversation, "这沙发真是绝绝子")
    assert after.matched["positive"] == ["绝绝子"]
    assert after.satisfaction.score > before.satisfaction.score


def test_a_deactivated_word_stops_counting(conversation, monkeypatch):
    monkeypatch.setattr(config.CACHE, "recheck_seconds", 0.0)
    assert "满意" in analyze_reply(conversation, "我很满意").matched.get("positive", [])
    WordEntry.objects.filter(kind="positive", word="满意").update(is_active=False)
    assert "满意" not in analyze_reply(conversation, "我很满意").matched.get("positive", [])


@pytest.mark.django_db
def test_without_a_settings_row_the_defaults_apply():
    from dialogue.models import ScoringSettings

    ScoringSettings.objects.all().delete()
    config.invalidate_config()
    assert config.get_scoring() == config.ScoringValues()
