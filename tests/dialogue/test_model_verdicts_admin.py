"""The admin shows every model version's held-out figure beside its baselines and never activates a version that
a baseline beats (issue 20)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from base.model_gate import judge, record_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(settings, tmp_path):
    from dialogue.emotion_store import SHIPPED_MODEL, install_shipped_model, register_model_file

    settings.MODEL_DIR = tmp_path
    shipped = install_shipped_model()
    worse = register_model_file(SHIPPED_MODEL, "emotion-worse", {}, {})
    split = "SMP2020 general-Weibo test half"  # the names the emotion trainer stores
    record_verdict(
        worse, judge("six-class macro-F1 (blend)", 0.41, {"active model v1": 0.58, "lexicon": 0.30}, split=split)
    )
    better = register_model_file(SHIPPED_MODEL, "emotion-better", {}, {})
    record_verdict(better, judge("six-class macro-F1 (blend)", 0.62, {"active model v1": 0.58}, split=split))
    return shipped, worse, better


def test_the_changelist_shows_each_verdict_beside_the_baselines(client, manager, versions) -> None:
    client.force_login(manager)
    page = client.get(reverse("admin:dialogue_emotionmodelversion_changelist")).content.decode()
    assert "与基线对比" in page  # the product's default language
    # Metric and baseline names read in the manager's language, not as the keys the trainer stored.
    assert "✗ 六类情绪宏 F1（用户所见的融合结果） 0.410，对比 当前模型 v1 0.580、词表 0.300" in page
    assert "✓ 六类情绪宏 F1（用户所见的融合结果） 0.620，对比 当前模型 v1 0.580" in page


def test_a_version_a_baseline_beats_is_refused_and_a_better_one_is_activated(client, manager, versions):
    from dialogue.models import EmotionModelVersion

    shipped, worse, better = versions
    client.force_login(manager)
    url = reverse("admin:dialogue_emotionmodelversion_changelist")
    response = client.post(url, {"action": "activate", "_selected_action": [worse.pk]}, follow=True)
    page = response.content.decode()
    assert (
        "版本 emotion-worse 未启用：在SMP2020 通用微博测试集的一半上，它的六类情绪宏 F1（用户所见的融合结果）为 0.410，"
        "低于当前模型 v1（0.580）"
    ) in page
    assert EmotionModelVersion.objects.get(is_active=True) == shipped
    client.post(url, {"action": "activate", "_selected_action": [better.pk]})
    assert EmotionModelVersion.objects.get(is_active=True) == better
