"""What the bot says when it is not answering a question (issue 17): clarifying, telling who is coming, passing the
chat on, noting a silent colleague — in the customer's language (zh-hans, yue, en), several ways each.

These are the customer's words, not the UI's, so they are chosen by the conversation's language rather than
translated with gettext. ``pick`` never repeats the text the bot said last.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from dialogue.text import to_hong_kong

NOTES: dict[str, dict[str, tuple[str, ...]]] = {
    # The closest FAQ, offered back as a question.
    "clarify": {
        "zh-hans": (
            "您是想问「{question}」吗？",
            "我没太听明白，您是想了解「{question}」吗？",
            "请问您指的是「{question}」吗？",
        ),
        "yue": ("你係咪想問「{question}」？", "我唔係好明，你想了解「{question}」嗎？"),
        "en": ('Did you mean "{question}"?', 'Sorry, I am not sure I follow — do you want to know "{question}"?'),
    },
    # Fairly close: answer, saying which question it answers.
    "hedged": {
        "zh-hans": ("如果您想问的是「{question}」：{answer}", "您问的应该是「{question}」吧？{answer}"),
        "yue": ("如果你想問「{question}」：{answer}",),
        "en": ('If you mean "{question}": {answer}',),
    },
    # Nothing close: say what the bot can help with.
    "clarify_open": {
        "zh-hans": (
            "抱歉，这个我还答不上来。您可以换个说法，或者问我产品的价格、规格、优惠，以及门店地址、营业时间、付款和配送。",
            "不好意思，我没找到相关的信息。我可以介绍{product}的价格和规格，也可以告诉您地址、营业时间、付款和售后。",
        ),
        "yue": ("唔好意思，呢個我暫時答唔到。你可以換個講法，或者問我產品價錢、規格、優惠、地址、營業時間同付款。",),
        "en": (
            "Sorry, I cannot answer that yet. Try asking another way, or ask me about prices, specs, offers, our "
            "address, opening hours, payment or delivery.",
        ),
    },
    # Small talk the word lists do not cover.
    "chitchat_bot": {
        "zh-hans": (
            "我是{salesperson}的智能助理，可以为您介绍产品、价格和优惠，也可以随时帮您联系{salesperson}本人。",
        ),
        "yue": ("我係{salesperson}嘅智能助理，可以幫你介紹產品、價錢同優惠，都可以幫你搵{salesperson}本人。",),
        "en": (
            "I am {salesperson}'s assistant: I can tell you about products, prices and offers, and put you in touch "
            "with {salesperson} any time.",
        ),
    },
    "chitchat_thanks": {
        "zh-hans": ("不客气！还有什么想了解的，随时问我。", "不用谢，很高兴能帮到您。"),
        "yue": ("唔使客氣！有咩想知隨時問我。",),
        "en": ("You're welcome! Ask me anything else any time.", "Glad I could help."),
    },
    "chitchat_bye": {
        "zh-hans": ("好的，祝您生活愉快！有需要随时打开名片找我。",),
        "yue": ("好，拜拜！有需要隨時搵我。",),
        "en": ("Goodbye, and have a nice day! Open this card any time you need me.",),
    },
    "yes_answer_prefix": {"zh-hans": ("好的。",), "yue": ("好。",), "en": ("Sure.",)},
    # A hand-off was just made; who is coming and what happens next.
    "coming_online": {
        "zh-hans": (
            "我已请{salesperson}来为您解答，{wait}。在等待的时候，您也可以继续问我。",
            "已通知{salesperson}，{wait}。您有其他问题也可以先问我。",
        ),
        "yue": ("我已經請{salesperson}嚟幫你，{wait}。等緊嘅時候你都可以繼續問我。",),
        "en": (
            "I have asked {salesperson} to help you; {wait}. Meanwhile you can keep asking me.",
            "{salesperson} has been told and {wait}. You can ask me anything else in the meantime.",
        ),
    },
    "coming_offline": {
        "zh-hans": (
            "{salesperson}现在不在线，我已经通知TA。您可以留下电话号码，我们会尽快给您回电；也可以继续问我。",
            "我已通知{salesperson}，TA暂时不在线。留下您的电话，TA一上线就给您回电。",
        ),
        "yue": ("{salesperson}而家唔喺線，我已經通知咗。你可以留低電話，我哋會盡快覆你；或者繼續問我。",),
        "en": (
            "{salesperson} is not online right now, but has been told. Leave your phone number and we will call "
            "you back soon, or keep asking me.",
        ),
    },
    # Still waiting, and the bot cannot answer this one itself.
    "still_waiting": {
        "zh-hans": (
            "{salesperson}马上就来，您的消息TA都会看到。{wait_sentence}",
            "收到，我已转告{salesperson}。{wait_sentence}",
            "您的问题我记下了，{salesperson}接手后会第一时间回复您。{wait_sentence}",
        ),
        "yue": (
            "{salesperson}好快就到，你嘅訊息佢都睇到。{wait_sentence}",
            "收到，我已經轉咗俾{salesperson}。{wait_sentence}",
        ),
        "en": (
            "{salesperson} is on the way and will see your message. {wait_sentence}",
            "Got it — I have passed this on to {salesperson}. {wait_sentence}",
        ),
    },
    "callback_noted": {
        "zh-hans": ("好的，已记下您的电话 {phone}，{salesperson}会尽快给您回电。",),
        "yue": ("好，已經記低你嘅電話 {phone}，{salesperson}會盡快覆你。",),
        "en": ("Thank you — we will call you back on {phone} as soon as possible.",),
    },
    # Nobody accepted in time: the chat goes to the next colleague.
    "passed_on": {
        "zh-hans": ("{previous}暂时走不开，我已请{colleague}来为您服务，请稍候。",),
        "yue": ("{previous}暫時走唔開，我已經請{colleague}嚟幫你，請稍等。",),
        "en": ("{previous} cannot get to you right now, so I have asked {colleague} to help you. One moment, please.",),
    },
    "nobody_free": {
        "zh-hans": ("抱歉让您久等了，同事们都在忙。您可以留下电话号码，我们会尽快给您回电。",),
        "yue": ("唔好意思要你等咁耐，同事都喺度忙緊。你可以留低電話，我哋會盡快覆你。",),
        "en": (
            "Sorry to keep you waiting — everyone is busy. Leave your phone number and we will call you back soon.",
        ),
    },
    # A person took over, then went silent.
    "person_silent": {
        "zh-hans": ("{salesperson}可能正在处理别的事，您的消息TA都能看到，会尽快回复您。",),
        "yue": ("{salesperson}可能喺度忙緊，你嘅訊息佢都睇到，會盡快覆你。",),
        "en": ("{salesperson} may be busy for a moment; they can see your messages and will reply soon.",),
    },
}

WAIT = {
    "minutes": {
        "zh-hans": "通常 {n} 分钟内回复",
        "yue": "通常 {n} 分鐘內覆你",
        "en": "they usually reply within {n} min",
    },
    "soon": {"zh-hans": "一般几分钟内就会回复", "yue": "一般幾分鐘內會覆你", "en": "they usually reply within minutes"},
}
WAIT_SENTENCE = {
    "online": {"zh-hans": "预计{wait}。", "yue": "預計{wait}。", "en": "Expect a reply soon: {wait}."},
    "offline": {
        "zh-hans": "TA暂时不在线，您可以留下电话，我们会回电。",
        "yue": "佢暫時唔喺線，你可以留低電話，我哋會覆你。",
        "en": "They are offline for now — leave your number and we will call you back.",
    },
}
SOMEONE = {"zh-hans": "顾问", "yue": "顧問", "en": "your adviser"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _lang(language: str) -> str:
    return language if language in ("zh-hans", "yue", "en") else "zh-hans"


def pick(kind: str, language: str, recent: Sequence[str] = (), rotation: int = 0, **slots: str) -> str:
    """A note of ``kind`` with its slots filled, never equal to one of the ``recent`` bot texts when another exists."""
    lang = _lang(language)
    variants = NOTES[kind][lang]
    filled = [string.Formatter().vformat(text, (), _Blank(slots)).strip() for text in variants]
    if lang == "yue":
        filled = [to_hong_kong(text) for text in filled]
    fresh = [text for text in filled if text not in recent] or filled
    return fresh[rotation % len(fresh)]


def wait_phrase(minutes: int | None, language: str) -> str:
    lang = _lang(language)
    if minutes is None:
        return WAIT["soon"][lang]
    return WAIT["minutes"][lang].format(n=minutes)


def wait_sentence(online: bool, minutes: int | None, language: str) -> str:
    lang = _lang(language)
    if not online:
        return WAIT_SENTENCE["offline"][lang]
    return WAIT_SENTENCE["online"][lang].format(wait=wait_phrase(minutes, language))


def someone(language: str) -> str:
    return SOMEONE[_lang(language)]
