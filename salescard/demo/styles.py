"""The social style a salesperson observed in a demo customer (feeds the personality model, SPEC S5).

Each customer has a hidden true style driven mostly by MBTI's two axes (E/I ≈ assertiveness, T/F ≈
responsiveness), nudged by job and hobbies, with noise; salespeople have recorded it for about 40 % of
customers, and get it wrong one time in ten. Only the observation is stored.
"""

from __future__ import annotations

import random

from salescard.demo.people import DemoCustomer

STYLES = ("analytical", "driver", "amiable", "expressive")
OBSERVED_SHARE = 0.4
OBSERVER_ERROR = 0.1
JOB_HINTS = {
    "工程师": "analytical", "分析师": "analytical", "会计": "analytical", "律师": "analytical", "医生": "analytical",
    "企业主": "driver", "总监": "driver", "个体经营者": "driver", "销售经理": "expressive", "设计师": "expressive",
    "教师": "amiable", "护士": "amiable", "人力资源": "amiable", "公务员": "amiable", "运营": "expressive",
}  # fmt: skip
HOBBY_HINTS = {
    "读书": "analytical", "书法": "analytical", "收藏": "analytical", "摄影": "analytical", "高尔夫": "driver",
    "健身": "driver", "登山": "driver", "烘焙": "amiable", "养花": "amiable", "茶艺": "amiable", "钓鱼": "amiable",
    "广场舞": "expressive", "旅行": "expressive", "剧本杀": "expressive", "追剧": "expressive",
}  # fmt: skip


def draw_observed_style(draft: DemoCustomer, rng: random.Random) -> str:
    """ "" when no salesperson recorded a style, else the (sometimes mistaken) observed style."""
    scores = {style: rng.random() * 1.5 for style in STYLES}
    mbti = str(draft.fields.get("mbti") or "")
    if mbti:
        assertive, task = "E" in mbti, "T" in mbti
        axis_style = {(True, True): "driver", (True, False): "expressive",
                      (False, True): "analytical", (False, False): "amiable"}[(assertive, task)]  # fmt: skip
        scores[axis_style] += 2.0
    title = str(draft.fields.get("job_title") or "")
    for word, style in JOB_HINTS.items():
        if word in title:
            scores[style] += 1.0
    for hobby in draft.hobbies:
        if hobby in HOBBY_HINTS:
            scores[HOBBY_HINTS[hobby]] += 0.6
    true_style = max(STYLES, key=lambda s: scores[s])
    if rng.random() >= OBSERVED_SHARE:
        return ""
    if rng.random() < OBSERVER_ERROR:
        return rng.choice([s for s in STYLES if s != true_style])
    return true_style
