"""What a customer's sentence calls for in a sales call (SPEC V6, V7): the customer's act and the kinds of reply a
salesperson would give, in order.

Every reply script has a kind (``ReplyScript.Kind``): ``apology_remedy`` (say sorry and name what happens next),
``next_step`` (a visit, an appointment, a quote), ``callback_offer`` (a brief offer to call back), ``objection_price``,
``answer_info``, ``closing``, ``goodbye``, ``do_not_disturb`` (the customer asked not to be called), …

``read_customer`` reads one sentence with its fused emotion (V5) and the sentences before it:

- **cues** in the words (还没送到, 在开会, 想去看看, 太贵了, 再见, 别再打了, …), checked in an order that lets the
  stronger act win ("再打我就投诉你们" is a refusal, "再不送到我就投诉了" a complaint, "我再看看别家的" hesitation,
  not interest);
- the **emotion**: an angry complaint calls for an apology with a remedy first, never for a bare procedure; an angry
  "在忙，别说了" may want the calls to stop, so ``do_not_disturb`` joins ``callback_offer``;
- the **sentences before**: a sentence without cues ("嗯，好的") keeps the act of the one before it when that was a
  complaint or interest.

``upset`` and ``engaged`` say whether a goodbye may come first: the final choice (``suggestions.choose``) never puts a
``goodbye`` or ``do_not_disturb`` script first unless the customer is saying goodbye or refusing further calls.

``keyword_kinds`` is the simple baseline the bench compares with: one short keyword list per kind, first hit wins, no
emotion and no context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

APOLOGY_REMEDY, REMEDY, NEXT_STEP, CALLBACK_OFFER = "apology_remedy", "remedy", "next_step", "callback_offer"
OBJECTION_PRICE, OBJECTION_OTHER, ANSWER_INFO, NEEDS_DISCOVERY = (
    "objection_price",
    "objection_other",
    "answer_info",
    "needs_discovery",
)
CLOSING, GOODBYE, DO_NOT_DISTURB, OPENING = "closing", "goodbye", "do_not_disturb", "opening"
REASSURE, RAPPORT, EMPATHY, CLARIFY, ESCALATE = "reassure", "rapport", "empathy", "clarify", "escalate"
KINDS = (
    APOLOGY_REMEDY, REMEDY, NEXT_STEP, CALLBACK_OFFER, OBJECTION_PRICE, OBJECTION_OTHER, ANSWER_INFO,
    NEEDS_DISCOVERY, CLOSING, GOODBYE, DO_NOT_DISTURB, OPENING, REASSURE, RAPPORT, EMPATHY, CLARIFY, ESCALATE,
)  # fmt: skip
ENDING_KINDS = frozenset({GOODBYE, DO_NOT_DISTURB})
ENDING_ACTS = frozenset({"goodbye", "refusal"})


def _cues(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# (act, cues, kinds in order of fit). Checked top to bottom; the first act whose cues match wins.
ACTS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    (
        "refusal",
        _cues(
            r"别再(给我)?打",
            r"不要再打",
            r"别(再)?联系",
            r"删(了|掉)?(我的?)?号码",
            r"把我(的)?号码删",
            r"骚扰",
            r"烦不烦",
            r"再打(我)?就投诉",
            r"说了(多少遍|不要|不需要)",
            r"别浪费",
            r"有完没完",
            r"do not call",
            r"stop calling",
        ),
        (DO_NOT_DISTURB, GOODBYE),
    ),
    (
        "complaint",
        _cues(
            r"还没(有)?(送|到|发|收|回|消息)",
            r"没(送|到)(到|货|账)",
            r"(没|不)到账",
            r"坏了",
            r"裂",
            r"歪了",
            r"松了?",
            r"闪",
            r"不一样",
            r"少送",
            r"少了",
            r"味道",
            r"划(了|坏|伤)",
            r"投诉",
            r"态度.{0,3}差",
            r"打不通",
            r"扣(了|费|钱)",
            r"不认识",
            r"算(得|的)?不对",
            r"逾期",
            r"盗刷",
            r"登不上",
            r"没消息",
            r"排队.{0,6}小时",
            r"质量",
            r"待发货",
            r"不.{0,2}顺",
            r"关不严",
            r"怎么回事",
            r"管不管",
            r"没人.{0,4}解决",
            r"超过.{0,6}时间",
            r"一扔就走",
            r"没法(睡|用)",
            r"broken",
            r"complain",
            r"late",
        ),
        (APOLOGY_REMEDY, REMEDY, ESCALATE),
    ),
    ("person", _cues(r"经理", r"真人", r"人工", r"领导", r"manager", r"real person"), (ESCALATE, APOLOGY_REMEDY)),
    (
        "busy",
        _cues(
            r"在开会",
            r"开车",
            r"(现在|这会儿?|正|我)(在)?忙",
            r"在忙",
            r"有点忙",
            r"挺忙",
            r"太忙",
            r"有事",
            r"没空",
            r"不方便",
            r"在上班",
            r"回头(再)?(说|聊)",
            r"晚点",
            r"待会",
            r"等会",
            r"等一下",
            r"改天",
            r"过两天再",
            r"马上要",
            r"在外面",
            r"在地铁",
            r"有客人",
            r"先挂",
            r"再打(吧|给我)",
            r"以后再打",
            r"点以后",
            r"吃饭",
            r"接孩子",
            r"排队呢",
            r"busy",
            r"driving",
            r"in a meeting",
        ),
        (CALLBACK_OFFER,),
    ),
    (
        "ready_to_buy",
        _cues(
            r"就要(这|那)",
            r"我定了",
            r"定了吧",
            r"下单",
            r"怎么付",
            r"付款",
            r"购买链接",
            r"帮我办",
            r"我买",
            r"就按这个",
            r"就存",
            r"办了",
            r"i'?ll take",
            r"buy it",
        ),
        (CLOSING, NEXT_STEP),
    ),
    (
        "hesitation",
        _cues(
            r"考虑",
            r"(跟|和).{0,5}商量",
            r"回去.{0,6}商量",
            r"想想",
            r"再看看",
            r"对比",
            r"比较一下",
            r"再说吧",
            r"想好了",
            r"不太?放心",
            r"先不急",
            r"think it over",
        ),
        (OBJECTION_OTHER, NEXT_STEP, REASSURE),
    ),
    (
        "trust",
        _cues(r"骗子", r"正规", r"从哪(来|弄|拿)", r"哪来的", r"哪家公司", r"靠谱", r"是真的吗", r"scam"),
        (REASSURE, OPENING),
    ),
    (
        "price_objection",
        _cues(
            r"太贵",
            r"贵了",
            r"贵啊",
            r"太高",
            r"高这么多",
            r"便宜",
            r"打.?折",
            r"优惠",
            r"分期",
            r"利息.{0,3}高",
            r"利率.{0,4}低",
            r"利率.{0,2}(太|这么|那么)高",
            r"年费",
            r"手续费",
            r"申购费",
            r"保费",
            r"价格",
            r"抢钱",
            r"再低",
            r"比(你们|我们|这).{0,3}(高|低|便宜)",
            r"免息",
            r"没(什么)?优势",
            r"商量商量",
            r"expensive",
            r"discount",
        ),
        (OBJECTION_PRICE, OBJECTION_OTHER),
    ),
    (
        "small_talk",
        _cues(
            r"天气",
            r"下雨",
            r"下雪",
            r"(好|真|太)(热|冷)",
            r"生意",
            r"(挺|也|真)辛苦",
            r"放.{0,2}假",
            r"过年",
            r"声音",
            r"哈哈",
            r"刚下班",
            r"新家",
            r"很多电话",
            r"weather",
        ),
        (RAPPORT, OPENING, NEEDS_DISCOVERY),
    ),
    (
        "interest",
        _cues(
            r"想去看",
            r"去店里",
            r"看看实物",
            r"过去(看|聊|找)",
            r"周.{0,2}过去",
            r"兴趣",
            r"想了解",
            r"了解一下",
            r"发我",
            r"加我微信",
            r"怎么办理",
            r"怎么申请",
            r"去哪办",
            r"网点办",
            r"测一下",
            r"风险测评",
            r"方案",
            r"报价",
            r"约.{0,3}时间",
            r"不错",
            r"挺好",
            r"喜欢",
            r"样品",
            r"坐一坐",
            r"详细说说",
            r"可以考虑",
            r"interested",
            r"sounds good",
        ),
        (NEXT_STEP, ANSWER_INFO, CLOSING),
    ),
    (
        "goodbye",
        _cues(
            r"再见",
            r"拜拜",
            r"挂了",
            r"先这样",
            r"就这样",
            r"聊到这",
            r"不需要",
            r"不用了",
            r"用不上",
            r"买过了",
            r"打错",
            r"不是他",
            r"bye",
            r"no thanks",
            r"not interested",
        ),
        (GOODBYE, DO_NOT_DISTURB),
    ),
    (
        "confused",
        _cues(
            r"没听(懂|清)",
            r"听不.{0,3}(明白|懂|清)",
            r"什么意思",
            r"慢一?点",
            r"听得到",
            r"喂[？?].{0,2}喂",
            r"信号",
            r"pardon",
            r"don'?t understand",
        ),
        (CLARIFY,),
    ),
    (
        "low_mood",
        _cues(r"心情不好", r"出了(点)?事", r"没心思", r"手头紧", r"唉", r"难受", r"烦心"),
        (EMPATHY, CALLBACK_OFFER),
    ),
    (
        "opening",
        _cues(r"哪位", r"^喂", r"你是谁", r"干什么的", r"什么事", r"有事吗", r"你好$", r"who is this"),
        (OPENING, REASSURE),
    ),
    (
        "needs",
        _cues(r"推荐", r"适合", r"哪种好", r"买什么", r"放哪", r"选哪", r"what do you recommend"),
        (NEEDS_DISCOVERY, ANSWER_INFO),
    ),
    (
        "question",
        _cues(
            r"[吗嘛呢？?]$",
            r"多少",
            r"怎么",
            r"哪",
            r"什么",
            r"几",
            r"能不能",
            r"可以.{0,6}吗",
            r"有没有",
            r"多久",
            r"多长",
            r"多大",
            r"(.)不\1",
            r"是不是",
            r"会不会",
            r"要不要",
            r"好不好",
            r"耐不耐",
            r"\b(how|what|when|where|which|can|does)\b",
        ),
        (ANSWER_INFO, NEEDS_DISCOVERY, NEXT_STEP),
    ),
)
NEUTRAL_KINDS = (RAPPORT, OPENING, NEEDS_DISCOVERY)
CARRIED_ACTS = frozenset({"complaint", "interest", "price_objection", "hesitation"})
ENGAGED_ACTS = frozenset({"complaint", "person", "ready_to_buy", "hesitation", "trust", "price_objection", "interest",
                          "needs", "question", "confused", "low_mood"})  # fmt: skip
_STOP_TALKING = re.compile(r"(不要|别|甭)(再)?(说|讲|打)了|不聊了|挂了")
_PUNCTUATION = "，。！？、；：,.!;:…~ "


@dataclass(frozen=True)
class CustomerReading:
    """What one customer sentence calls for."""

    act: str  # refusal, complaint, busy, interest, price_objection, question, goodbye, … or "neutral"
    kinds: tuple[str, ...]  # reply kinds, best first
    upset: bool  # angry, or complaining
    engaged: bool  # asking, objecting, interested, complaining: not a moment to say goodbye
    carried: bool = False  # the act is the previous sentence's (this one had no cues)

    @property
    def may_end(self) -> bool:
        """Whether a goodbye or do-not-disturb script may come first."""
        return self.act in ENDING_ACTS

    def fit(self, kind: str) -> float:
        """How well a script of ``kind`` answers: 1 for the best kind, then 0.7, 0.5, 0.35; 0 for the others."""
        weights = (1.0, 0.7, 0.5, 0.35)
        return weights[self.kinds.index(kind)] if kind in self.kinds[: len(weights)] else 0.0


def act_of(text: str) -> tuple[str, tuple[str, ...]]:
    """The act of one sentence by its cues, and the reply kinds it calls for; ``("neutral", …)`` without cues."""
    words = text.strip().strip(_PUNCTUATION) or text
    for act, cues, kinds in ACTS:
        if cues.search(words):
            return act, kinds
    return "neutral", NEUTRAL_KINDS


def read_customer(text: str, emotion: str = "calm", context: Sequence[str] = ()) -> CustomerReading:
    """The act and the reply kinds of the customer's ``text`` said with ``emotion`` (V5), after ``context`` (the
    customer's sentences before, oldest first)."""
    act, kinds = act_of(text)
    carried = False
    if act == "neutral":
        for before in reversed(context[-2:]):
            previous, previous_kinds = act_of(before)
            if previous in CARRIED_ACTS:
                act, kinds, carried = previous, previous_kinds, True
                break
    angry = emotion == "angry"
    if act == "busy" and angry and _STOP_TALKING.search(text):
        # V5: "现在有事，不要说了" said angrily ends the call (apologise, stop calling); said calmly it is busy.
        act, kinds = "refusal", (DO_NOT_DISTURB, CALLBACK_OFFER)
    elif act == "busy" and angry:
        kinds = (CALLBACK_OFFER, DO_NOT_DISTURB)
    elif act == "price_objection" and angry:
        kinds = (OBJECTION_PRICE, APOLOGY_REMEDY, OBJECTION_OTHER)
    elif act == "complaint" and not angry:
        kinds = (APOLOGY_REMEDY, REMEDY, ESCALATE)
    elif act == "neutral" and emotion == "low":
        kinds = (EMPATHY, RAPPORT, CALLBACK_OFFER)
    elif act == "neutral" and angry:
        kinds = (APOLOGY_REMEDY, CALLBACK_OFFER, REASSURE)
    upset = angry or act == "complaint"
    engaged = act in ENGAGED_ACTS or (upset and act not in ENDING_ACTS)
    return CustomerReading(act, kinds, upset, engaged, carried)


# --- The simple baseline ------------------------------------------------------------------------------------------
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (DO_NOT_DISTURB, ("别再打", "骚扰")),
    (APOLOGY_REMEDY, ("投诉", "坏了", "还没", "质量")),
    (CALLBACK_OFFER, ("忙", "开会", "开车", "没空")),
    (OBJECTION_PRICE, ("贵", "便宜", "打折", "优惠")),
    (CLOSING, ("下单", "买了", "付款")),
    (NEXT_STEP, ("看看", "了解", "发我")),
    (GOODBYE, ("再见", "拜拜", "不需要")),
    (OBJECTION_OTHER, ("考虑", "商量")),
    (ANSWER_INFO, ("吗", "？", "多少", "怎么", "什么")),
)


def keyword_kinds(text: str) -> tuple[str, ...]:
    """Baseline: the kind of the first keyword list with a hit, then ``answer_info`` and ``opening``."""
    for kind, words in KEYWORDS:
        if any(word in text for word in words):
            return tuple(dict.fromkeys((kind, ANSWER_INFO, OPENING)))
    return (ANSWER_INFO, OPENING, GOODBYE)
