"""Product facts as a person would say them (SPEC S11, issue 17 item 4): spec labels and phrase templates.

Every spec key of the catalogue has a label and a sentence per customer language — Mandarin (``zh-hans``),
Cantonese (``yue``, written here in Traditional characters; answers go through ``in_script`` anyway) and English
(``en``) — so the bot says "这款沙发的套子可以拆下来洗" rather than "可拆洗：是". Yes/no values have a sentence each
way, lists are joined as a person lists ("A、B和C", "A, B and C"), money carries thousands separators and the
units of the data. A key nobody described reads as its words ("foo bar"), never as ``foo_bar``.

The phrases are for customers, whose language is not the UI's, so they live here per language rather than in
the gettext catalogue. Product data is written in Chinese; an English sentence quotes it, with common units
(年, 天, 岁, 万元 …) put into English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

LANGUAGES = ("zh-hans", "yue", "en")
HIDDEN_SPECS = frozenset({"price_label"})
ATTRIBUTES = ("design", "colour", "size")  # the product's own fields, phrased like specs


@dataclass(frozen=True)
class SpecPhrase:
    """How one spec is named and said. Templates take ``{s}`` (the product, "这款沙发"), ``{S}`` (the same,
    capitalised) and ``{v}`` (the value, phrased); ``yes``/``no`` are used for a yes/no value."""

    label: dict[str, str]
    say: dict[str, str] = field(default_factory=dict)
    yes: dict[str, str] = field(default_factory=dict)
    no: dict[str, str] = field(default_factory=dict)
    unit: dict[str, str] = field(default_factory=dict)  # appended to a bare number (3 → 3人)


def _p(zh: str, yue: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "yue": yue, "en": en}


# fmt: off
SPECS: dict[str, SpecPhrase] = {
    # --- home furnishing ---
    "material": SpecPhrase(_p("材质", "材質", "material"),
                           _p("{s}用的是{v}", "{s}用嘅係{v}", "{S} is made of {v}")),
    "warranty": SpecPhrase(_p("质保", "保養", "warranty"),
                           _p("{s}质保{v}", "{s}保養{v}", "{S} comes with a warranty of {v}")),
    "delivery": SpecPhrase(_p("配送", "送貨", "delivery"),
                           _p("{s}下单后{v}", "{s}落單之後{v}", "Delivery of {s}: {v}")),
    "seats": SpecPhrase(_p("座位数", "座位", "seats"),
                        _p("{s}可以坐{v}", "{s}坐得{v}", "{S} seats {v}"), unit=_p("人", "人", " people")),
    "features": SpecPhrase(_p("功能", "功能", "features"),
                           _p("{s}的功能有{v}", "{s}有{v}呢啲功能", "{S} features {v}")),
    "modules": SpecPhrase(_p("模块数", "模組數", "modules"),
                          _p("{s}由{v}组成，可以自由组合", "{s}由{v}組成，可以自由砌", "{S} is made up of {v}"),
                          unit=_p("个模块", "個模組", " modules")),
    "removable_cover": SpecPhrase(_p("可拆洗", "可拆洗", "removable cover"),
                                  yes=_p("{s}的套子可以拆下来洗", "{s}嘅套可以拆落嚟洗",
                                         "The cover of {s} comes off for washing"),
                                  no=_p("{s}的套子不能拆下来洗", "{s}嘅套唔可以拆落嚟洗",
                                        "The cover of {s} does not come off for washing")),
    "mattress_included": SpecPhrase(_p("含床垫", "包床褥", "mattress included"),
                                    yes=_p("{s}配床垫", "{s}包埋床褥", "{S} comes with a mattress"),
                                    no=_p("{s}不含床垫，床垫需要另外选", "{s}唔包床褥，床褥要另外揀",
                                          "{S} does not include a mattress; that is chosen separately")),
    "storage": SpecPhrase(_p("储物", "儲物", "storage"),
                          _p("{s}带{v}", "{s}有{v}", "{S} offers storage: {v}")),
    "guard_rail": SpecPhrase(_p("护栏", "護欄", "guard rail"),
                             _p("{s}配有{v}", "{s}配有{v}", "{S} has guard rails: {v}")),
    "age": SpecPhrase(_p("适用年龄", "適用年齡", "age"),
                      _p("{s}适合{v}的孩子", "{s}啱{v}嘅小朋友", "{S} suits children {v}")),
    "lighting": SpecPhrase(_p("照明", "照明", "lighting"),
                           _p("{s}带{v}", "{s}有{v}", "{S} has built-in lighting: {v}")),
    "flicker": SpecPhrase(_p("频闪", "頻閃", "flicker"),
                          _p("{s}{v}，看久了眼睛也舒服", "{s}{v}，睇耐咗對眼都舒服", "{S} is flicker-free ({v})")),
    "control": SpecPhrase(_p("控制方式", "控制方式", "control"),
                          _p("{s}可以用{v}控制", "{s}可以用{v}控制", "{S} can be controlled with {v}")),
    "bulbs": SpecPhrase(_p("光源", "光源", "bulbs"),
                        _p("{s}用的光源是{v}", "{s}用嘅光源係{v}", "{S} takes {v} bulbs")),
    "install": SpecPhrase(_p("安装", "安裝", "installation"),
                          _p("{s}提供{v}", "{s}提供{v}", "For {s} we offer {v}")),
    "items": SpecPhrase(_p("包含", "包括", "items"),
                        _p("{s}包含{v}", "{s}包括{v}", "{S} includes {v}")),
    "cri": SpecPhrase(_p("显色指数", "顯色指數", "CRI"),
                      _p("{s}的显色指数达到{v}", "{s}嘅顯色指數達到{v}", "{S} has a colour rendering index of {v}")),
    "price_unit": SpecPhrase(_p("计价单位", "計價單位", "price unit"),
                             _p("{s}按{v}计价", "{s}按{v}計價", "{S} is priced per {v}")),
    # --- insurance ---
    "sum_insured": SpecPhrase(_p("保额", "保額", "sum insured"),
                              _p("{s}的保额是{v}", "{s}嘅保額係{v}", "{S} has a sum insured of {v}")),
    "payment_term": SpecPhrase(_p("缴费期", "供款期", "payment term"),
                               _p("{s}分{v}交清", "{s}分{v}供完", "Premiums for {s} are paid over {v}")),
    "coverage": SpecPhrase(_p("保障范围", "保障範圍", "coverage"),
                           _p("{s}保障{v}", "{s}保障{v}", "{S} covers {v}")),
    "covers": SpecPhrase(_p("保障内容", "保障內容", "covers"),
                         _p("{s}保障{v}", "{s}保障{v}", "{S} covers {v}")),
    "waiting_period": SpecPhrase(_p("等待期", "等候期", "waiting period"),
                                 _p("{s}的等待期是{v}", "{s}嘅等候期係{v}", "{S} has a waiting period of {v}")),
    "entry_age": SpecPhrase(_p("投保年龄", "投保年齡", "entry age"),
                            _p("{s}的投保年龄是{v}", "{s}嘅投保年齡係{v}", "{S} is open to people {v}")),
    "deductible": SpecPhrase(_p("免赔额", "免賠額", "deductible"),
                             _p("{s}的免赔额是{v}", "{s}嘅免賠額係{v}", "{S} has a deductible of {v}")),
    "renewal": SpecPhrase(_p("续保", "續保", "renewal"),
                          _p("{s}{v}", "{s}{v}", "Renewal of {s}: {v}")),
    "hospitals": SpecPhrase(_p("医院范围", "醫院範圍", "hospitals"),
                            _p("{s}的医院范围{v}", "{s}嘅醫院範圍{v}", "Hospitals covered by {s}: {v}")),
    "direct_billing": SpecPhrase(_p("直付", "直付", "direct billing"),
                                 yes=_p("{s}支持医院直付，看病不用自己垫钱", "{s}支援醫院直接付款，睇醫生唔使自己墊錢",
                                        "{S} pays the hospital directly, so you don't pay up front"),
                                 no=_p("{s}不支持直付，需要先垫付再报销", "{s}唔支援直付，要先墊支再報銷",
                                       "{S} has no direct billing: you pay first and claim it back")),
    "health_notice": SpecPhrase(_p("健康告知", "健康申報", "health notice"),
                                _p("{s}采用{v}", "{s}採用{v}", "{S} has a health declaration: {v}")),
    "payout": SpecPhrase(_p("给付", "派發", "payout"),
                         _p("{s}{v}", "{s}{v}", "How {s} pays out: {v}")),
    "guaranteed_growth": SpecPhrase(_p("保证增长", "保證增長", "guaranteed growth"),
                                    _p("{s}的{v}", "{s}嘅{v}", "{S} grows as follows: {v}")),
    "medical": SpecPhrase(_p("医疗", "醫療", "medical"),
                          _p("{s}还包含{v}", "{s}仲包{v}", "{S} also includes medical cover: {v}")),
    "rescue": SpecPhrase(_p("救援", "救援", "rescue"),
                         _p("{s}{v}", "{s}{v}", "Emergency rescue with {s}: {v}")),
    # --- banking ---
    "annual_rate": SpecPhrase(_p("年利率", "年利率", "annual rate"),
                              _p("{s}的年利率是{v}", "{s}嘅年利率係{v}", "The annual rate of {s} is {v}")),
    "expected_rate": SpecPhrase(_p("业绩比较基准", "業績比較基準", "expected return"),
                                _p("{s}的业绩比较基准是{v}", "{s}嘅業績比較基準係{v}",
                                   "The expected return of {s} is {v}")),
    "seven_day_yield": SpecPhrase(_p("七日年化", "七日年化", "7-day yield"),
                                  _p("{s}的七日年化收益率是{v}", "{s}嘅七日年化回報係{v}",
                                     "The 7-day annualised yield of {s} is {v}")),
    "deposit_insurance": SpecPhrase(_p("存款保险", "存款保險", "deposit insurance"),
                                    yes=_p("{s}受存款保险保护", "{s}受存款保險保障",
                                           "{S} is protected by deposit insurance"),
                                    no=_p("{s}不在存款保险的保障范围内", "{s}唔受存款保險保障",
                                          "{S} is not covered by deposit insurance")),
    "transferable": SpecPhrase(_p("可转让", "可轉讓", "transferable"),
                               yes=_p("{s}可以转让", "{s}可以轉讓", "{S} can be transferred to someone else"),
                               no=_p("{s}不能转让", "{s}唔可以轉讓", "{S} cannot be transferred")),
    "risk_level": SpecPhrase(_p("风险等级", "風險等級", "risk level"),
                             _p("{s}的风险等级是{v}", "{s}嘅風險等級係{v}", "{S} has risk level {v}")),
    "fee": SpecPhrase(_p("费用", "收費", "fee"),
                      _p("{s}的费用是{v}", "{s}嘅收費係{v}", "The fee for {s} is {v}")),
    "annual_fee": SpecPhrase(_p("年费", "年費", "annual fee"),
                             _p("{s}的年费为{v}", "{s}嘅年費係{v}", "The annual fee of {s}: {v}")),
    "perks": SpecPhrase(_p("权益", "權益", "perks"),
                        _p("{s}的权益有{v}", "{s}嘅權益有{v}", "{S} comes with {v}")),
    "credit_limit": SpecPhrase(_p("额度", "額度", "credit limit"),
                               _p("{s}的额度是{v}", "{s}嘅額度係{v}", "{S} has a credit limit of {v}")),
    "down_payment": SpecPhrase(_p("首付", "首期", "down payment"),
                               _p("{s}{v}", "{s}{v}", "The down payment for {s}: {v}")),
    "disbursement": SpecPhrase(_p("放款", "放款", "disbursement"),
                               _p("{s}的款项{v}", "{s}嘅款項{v}", "The money from {s} is paid out as follows: {v}")),
    "eligibility": SpecPhrase(_p("申请条件", "申請條件", "eligibility"),
                              _p("{s}{v}", "{s}{v}", "Who can buy {s}: {v}")),
    "approval": SpecPhrase(_p("审批", "審批", "approval"),
                           _p("{s}{v}", "{s}{v}", "Approval for {s}: {v}")),
    # --- the product's own fields ---
    "design": SpecPhrase(_p("款式", "款式", "design"),
                         _p("{s}主打{v}", "{s}主打{v}", "The style of {s} is {v}")),
    "colour": SpecPhrase(_p("颜色", "顏色", "colour"),
                         _p("{s}的颜色是{v}", "{s}嘅顏色係{v}", "{S} comes in {v}")),
    "size": SpecPhrase(_p("尺寸/期限", "尺寸/期限", "size / term"),
                       _p("{s}的尺寸是{v}", "{s}嘅尺寸係{v}", "{S} measures {v}")),
    "price": SpecPhrase(_p("价格", "價錢", "price"),
                        _p("{s}的价格是{v}", "{s}嘅價錢係{v}", "{S} costs {v}")),
}
# fmt: on

# A size that is not a dimension is a term or a kind ("3年期", "保障终身", "开放式").
_DIMENSION = re.compile(r"\d\s*(米|厘米|cm|m)\b|[×x]\s*\d|米", re.IGNORECASE)
_TERM_DIRECT = re.compile(r"^(保障|最长|随|\d+岁)")
_TERM = {
    "direct": _p("{s}{v}", "{s}{v}", "{S}: {v}"),
    "is": _p("{s}是{v}", "{s}係{v}", "{S}: {v}"),
}
UNKNOWN = {
    "say": _p("{s}的{label}是{v}", "{s}嘅{label}係{v}", "The {label} of {s} is {v}"),
    "yes": _p("{s}有{label}", "{s}有{label}", "{S} has {label}"),
    "no": _p("{s}没有{label}", "{s}冇{label}", "{S} has no {label}"),
}
YES_NO = {"zh-hans": ("是", "否"), "yue": ("係", "唔係"), "en": ("yes", "no")}
_LIST_AND = {"zh-hans": "和", "yue": "同", "en": " and "}
_LIST_SEP = {"zh-hans": "、", "yue": "、", "en": ", "}
_STOP = {"zh-hans": "。", "yue": "。", "en": "."}

# Category → what "this …" calls a product of it (the demo's categories; others use the category name).
NOUNS: dict[str, dict[str, str]] = {
    "沙发": _p("沙发", "梳化", "sofa"),
    "床": _p("床", "床", "bed"),
    "餐桌": _p("餐桌", "餐枱", "dining table"),
    "衣柜": _p("衣柜", "衣櫃", "wardrobe"),
    "灯具": _p("灯", "燈", "light"),
    "重疾险": _p("重疾险", "危疾保險", "critical illness plan"),
    "医疗险": _p("医疗险", "醫療保險", "medical plan"),
    "定期寿险": _p("定期寿险", "定期壽險", "term life plan"),
    "年金险": _p("年金险", "年金保險", "annuity plan"),
    "意外险": _p("意外险", "意外保險", "accident plan"),
    "定期存款": _p("定期存款", "定期存款", "time deposit"),
    "大额存单": _p("大额存单", "大額存單", "certificate of deposit"),
    "银行理财": _p("理财产品", "理財產品", "wealth product"),
    "基金": _p("基金", "基金", "fund"),
    "房贷/消费贷": _p("贷款", "貸款", "loan"),
    "信用卡": _p("信用卡", "信用卡", "credit card"),
}
_THIS = _p("这款", "呢款", "this ")
_PRODUCT = _p("产品", "產品", "product")

# Price labels of the catalogue in English (the data writes them in Chinese).
PRICE_LABELS_EN = {
    "售价": "price",
    "每平方米价格": "price per square metre",
    "年缴保费": "annual premium",
    "起存金额": "minimum deposit",
    "起购金额": "minimum purchase",
    "参考额度": "typical amount",
    "最高额度": "maximum amount",
    "年费": "annual fee",
}
DEFAULT_PRICE_LABEL = _p("价格", "價錢", "price")

# Units in Chinese values that an English sentence says in English, where the number ends the value or a
# clause; inside a Chinese phrase ("15天内送装", "保障1年") the value stays as written.
_START = r"(?<![\u4e00-\u9fff\d.])"
_END = r"(?=$|[\s,，;；)）/–-])"
_EN_WAN = re.compile(_START + r"(\d+(?:\.\d+)?)\s*万元?" + _END)
_EN_UNITS = (
    (re.compile(_START + r"(\d[\d.]*)\s*个?月" + _END), "month"),
    (re.compile(_START + r"(\d[\d.]*)\s*年期" + _END), "-year term"),
    (re.compile(_START + r"(\d[\d.]*)\s*年" + _END), "year"),
    (re.compile(_START + r"(\d[\d.]*)\s*天" + _END), "day"),
    (re.compile(_START + r"(\d[\d.]*)\s*岁" + _END), "years old"),
    (re.compile(_START + r"(\d[\d.]*)\s*人" + _END), "person"),
    (re.compile(_START + r"(\d[\d.]*)\s*元" + _END), "yuan"),
)
_PLURAL = {"month": "months", "year": "years", "day": "days", "person": "people"}
_EN_FROM = re.compile(r"(\d%?)起$")


def normal_language(language: str) -> str:
    return language if language in LANGUAGES else "zh-hans"


def spec_label(key: str, language: str) -> str:
    """The spec's name in ``language``; a key nobody described reads as its words ("foo bar")."""
    phrase = SPECS.get(key)
    if phrase is not None:
        return phrase.label[normal_language(language)]
    return key.replace("_", " ").strip()


def subject(category: str, language: str) -> str:
    """What the answer calls the product: 这款沙发 / 呢款梳化 / this sofa."""
    language = normal_language(language)
    noun = NOUNS.get(category, {}).get(language)
    if noun is None:
        usable = category and language != "en" and "/" not in category and len(category) <= 6
        noun = category if usable else _PRODUCT[language]
    return f"{_THIS[language]}{noun}"


def join_list(items: list[str], language: str) -> str:
    """A、B和C / A、B同C / A, B and C."""
    language = normal_language(language)
    items = [item for item in (str(i).strip() for i in items) if item]
    if len(items) <= 1:
        return "".join(items)
    return _LIST_SEP[language].join(items[:-1]) + _LIST_AND[language] + items[-1]


def format_money(amount: Decimal | int | float | None, language: str = "zh-hans", *, currency: bool = False) -> str:
    """Thousands separators, no decimals for whole amounts: 200,000 (or ¥200,000 with ``currency``)."""
    if amount is None:
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"¥{text}" if currency else text


def price_label(label: str, language: str) -> str:
    """The product's price label ("年缴保费（30岁，保额50万）") in ``language``."""
    language = normal_language(language)
    if not label:
        return DEFAULT_PRICE_LABEL[language]
    if language != "en":
        return label
    head, _, detail = label.partition("（")
    english = PRICE_LABELS_EN.get(head.strip(), DEFAULT_PRICE_LABEL["en"])
    detail = detail.rstrip("）").replace("，", ", ")
    return f"{english} ({english_units(detail)})" if detail else english


def english_units(text: str) -> str:
    """Chinese units of a value in English: 50万元 → 500,000 yuan, 90天 → 90 days, 3.2%起 → 3.2% or more."""
    text = _EN_WAN.sub(lambda m: f"{format_money(Decimal(m.group(1)) * 10000)} yuan", text)
    for pattern, unit in _EN_UNITS:
        text = pattern.sub(lambda m, unit=unit: _with_unit(m.group(1), unit), text)
    return _EN_FROM.sub(r"\1 or more", text)


def _with_unit(number: str, unit: str) -> str:
    if unit.startswith("-"):
        return f"{number}{unit}"
    return f"{number} {unit if number == '1' else _PLURAL.get(unit, unit)}"


def value_text(value: object, language: str, key: str = "") -> str:
    """A spec value as words: yes/no, lists joined naturally, numbers with separators and the spec's unit."""
    language = normal_language(language)
    if isinstance(value, bool):
        yes, no = YES_NO[language]
        return yes if value else no
    if isinstance(value, list | tuple):
        return join_list([value_text(v, language) for v in value], language)
    if isinstance(value, int | float | Decimal):
        phrase = SPECS.get(key)
        unit = phrase.unit.get(language, "") if phrase else ""
        return f"{format_money(value)}{unit}"
    text = str(value).strip()
    if "、" in text:
        text = join_list(text.split("、"), language)
    return english_units(text) if language == "en" else text


def _yes_no_value(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in ("是", "否", "係", "唔係", "yes", "no", "true", "false"):
        return value.strip() in ("是", "係", "yes", "true")
    return None


def phrase_spec(key: str, value: object, language: str, category: str = "", *, about: str = "") -> str:
    """One sentence saying a spec of a product, ending with a full stop.

    ``about`` names the product ("云朵布艺沙发"); without it the sentence says "this sofa" (from ``category``)."""
    language = normal_language(language)
    s = about or subject(category, language)
    phrase = SPECS.get(key)
    label = spec_label(key, language)
    flag = _yes_no_value(value) if (phrase is None or phrase.yes or isinstance(value, bool)) else None
    if flag is not None:
        templates = (phrase.yes if flag else phrase.no) if phrase and phrase.yes else (UNKNOWN["yes" if flag else "no"])
        template = templates[language]
    elif key == "size" and not _DIMENSION.search(str(value)):
        template = _TERM["direct" if _TERM_DIRECT.search(str(value)) else "is"][language]
    elif phrase is not None and phrase.say:
        template = phrase.say[language]
    else:
        template = UNKNOWN["say"][language]
    shown = value_text(value, language, key)
    text = template.format(s=s, S=_capitalised(s), v=shown, label=label)
    return _sentence(text, language)


def spec_rows(specs: dict, language: str, attributes: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs for a product's table of specs: design, colour and size first, then its specs,
    never the price label nor an empty value."""
    rows = [(spec_label(key, language), value_text(v, language, key)) for key, v in (attributes or {}).items() if v]
    for key, value in (specs or {}).items():
        if key in HIDDEN_SPECS or value in (None, "", [], {}):
            continue
        rows.append((spec_label(key, language), value_text(value, language, key)))
    return rows


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str, language: str) -> str:
    text = text.strip()
    if language == "en":
        text = _capitalised(text)
    if text and text[-1] not in "。！？.!?":
        text += _STOP[language]
    return text
