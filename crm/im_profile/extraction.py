"""Profile facts from what a customer writes (SPEC P2): phone, e-mail, employer, job title, birthday, age, city,
hometown, marriage, children, budget, product interests, hobbies and MBTI.

``extract_text(text)`` returns ``Finding``s — a field, a normalised value, a confidence and the span in the text.
Patterns find most fields; jieba's part-of-speech tags judge an employer's name when no pattern settles it.
Every rule first asks whose fact it is: the nearest person named before the fact in the same sentence decides
(我 → the writer; 我老公, 同事, 他, 你 → somebody else), so "我老公在华为上班" yields a marriage, not an employer.

Pure Python, no Django: the command line, the Celery task and the benchmark all call the same function.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from crm.im_profile import lexicon as lex

FIELDS = (
    "phone", "email", "company", "job_title", "birthday", "age", "city", "hometown", "married", "children",
    "budget", "interest", "hobby", "mbti",
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    field: str
    value: str
    confidence: float
    start: int
    end: int


# --- Text preparation ---------------------------------------------------------------------------------------------
# Full-width ASCII and the ideographic space become their half-width forms; the length stays, so spans hold.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SENTENCE_END = re.compile(r"[。！？!?\n；;]|\.(?!\d)|~+")
_CLAUSE_END = re.compile(r"[，,、：:（）()【】「」“”\"]|[。！？!?\n；;~]|\.(?!\d)")


def _prepare(text: str) -> str:
    return text.translate(_HALF_WIDTH)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _bounds(text: str, pos: int, pattern: re.Pattern) -> tuple[int, int]:
    """The start and end of the stretch around ``pos`` delimited by ``pattern``."""
    start = 0
    for match in pattern.finditer(text, 0, pos):
        start = match.end()
    end_match = pattern.search(text, pos)
    return start, end_match.start() if end_match else len(text)


def _clause(text: str, pos: int) -> tuple[int, int]:
    return _bounds(text, pos, _CLAUSE_END)


def _sentence(text: str, pos: int) -> tuple[int, int]:
    return _bounds(text, pos, _SENTENCE_END)


# --- Whose fact is it? ----------------------------------------------------------------------------------------------
_PERSON = re.compile(
    # "我和老公都…" speaks for both, the writer included.
    "(?P<both>我(?:和|跟|与)(?:" + _alternation(lex.SPOUSES) + ")都)"
    # "和同事打乒乓球": company, not the subject.
    "|(?P<with>(?:和|跟|与|陪)(?:" + _alternation([*lex.THIRD_PARTIES, *lex.SPOUSES]) + "))"
    "|(?P<kin>(?:我|俺|我的|我家|我们家|我哋)(?:" + _alternation([*lex.THIRD_PARTIES, *lex.SPOUSES]) + "))"
    "|(?P<other>" + _alternation(lex.THIRD_PARTIES) + ")"
    "|(?P<self>" + _alternation(lex.SELF_REFERENCES) + ")"
)
_WRITER_GROUPS = frozenset({"self", "both"})
_NOT_PERSON = re.compile(
    r"(?:你好|您好|你们|您们|谢谢你|麻烦你|帮你|给你|跟你说|告诉你|你看|您看|你记|您记|你存|您存|他们家|她们家)"
)


def _last_person(text: str, start: int, pos: int) -> str | None:
    """Who is named last between ``start`` and ``pos``: "self", "kin" (我老公, 我妈), "other" (他, 同事) or None.
    Company (和同事…) and forms of address (你好, 谢谢你) name nobody."""
    last = None
    for match in _PERSON.finditer(text, start, pos):
        if _NOT_PERSON.match(text, match.start()) or _NOT_PERSON.match(text, max(match.start() - 1, 0)):
            continue
        if match.lastgroup != "with":
            last = "self" if match.lastgroup in _WRITER_GROUPS else match.lastgroup
    return last


def _speaker(text: str, pos: int) -> str:
    """Who the clause at ``pos`` is about, up to ``pos``: the last person named in it, or the writer when nobody
    is (a customer's message is about themselves unless it says otherwise)."""
    return _last_person(text, _clause(text, pos)[0], pos) or "self"


def _is_about_writer(text: str, pos: int) -> bool:
    """Whether the fact at ``pos`` is the writer's own (see ``_speaker``)."""
    return _speaker(text, pos) == "self"


def _is_about_writer_strict(text: str, pos: int) -> bool:
    """Whether the writer names themselves before ``pos`` in the sentence, and nobody else after that."""
    return _last_person(text, _sentence(text, pos)[0], pos) == "self"


def _has_any(text: str, start: int, end: int, words) -> bool:
    stretch = text[start:end]
    return any(word in stretch for word in words)


# --- Numbers ------------------------------------------------------------------------------------------------------
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUMBER = "[零〇一二两俩三四五六七八九十拾百佰千仟万亿]+"


def chinese_number(word: str) -> int | None:
    """三十 → 30, 一百五十万 → 1,500,000, 两千五 → 2,500; None when ``word`` is not a Chinese numeral."""
    if not word or any(ch not in _CN_DIGITS and ch not in _CN_UNITS and ch not in "万亿" for ch in word):
        return None
    total, section, digit, last_unit = 0, 0, None, 1
    for ch in word:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            last_unit = _CN_UNITS[ch]
            section += (1 if digit is None else digit) * last_unit
            digit = None
        else:  # 万 or 亿 closes a section
            big = 10_000 if ch == "万" else 100_000_000
            section += digit or 0
            total += (section or 1) * big
            section, digit, last_unit = 0, None, big
    if digit is not None:
        # 两千五 means 2,500: a trailing digit after a unit counts a tenth of it.
        trailing = len(word) > 1 and word[-2] in (*_CN_UNITS, "万", "亿") and last_unit >= 100
        section += digit * (last_unit // 10 if trailing else 1)
    return total + section


def _number(word: str) -> float | None:
    word = word.replace(",", "")
    try:
        return float(word)
    except ValueError:
        value = chinese_number(word)
        return float(value) if value is not None else None


# --- Phone numbers and e-mail -------------------------------------------------------------------------------------
_MOBILE = re.compile(r"(?<![\dA-Za-z])(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![\dA-Za-z])")
_LANDLINE = re.compile(r"(?<![\dA-Za-z])\(?(0[1-9]\d{1,2})\)?[-\s]?(\d{3,4})[-\s]?(\d{4})(?![\dA-Za-z])")
_NUMBER_TRAPS = (
    "订单 单号 快递 运单 物流 卡号 账号 帐号 编号 验证码 工号 学号 身份证 流水 发票 合同号 保单号 车牌 密码 "
    "尾号 工单 取件码 会员号 QQ qq 房号"
).split()
_OLD_NUMBER = re.compile(r"别打|不要打|不用|停机|停用|以前的|原来的|旧号|作废|注销")
_PHONE_CUES = "电话 手机 号码 打我 联系我 打给我 call 微信同号 新号 换号 联系方式 致电 拨打 Tel tel 座机".split()


def _phones(text: str) -> Iterator[Finding]:
    taken: list[tuple[int, int]] = []
    for match in _MOBILE.finditer(text):
        finding = _phone_finding(text, match, "".join(match.groups()))
        if finding:
            taken.append((match.start(), match.end()))
            yield finding
    for match in _LANDLINE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        area, head, tail = match.groups()
        if len(head + tail) not in (7, 8):
            continue
        finding = _phone_finding(text, match, f"{area}-{head}{tail}", needs_cue=True)
        if finding:
            yield finding


def _phone_finding(text: str, match: re.Match, value: str, needs_cue: bool = False) -> Finding | None:
    start, end = _clause(text, match.start())
    before = text[max(start, match.start() - 12) : match.start()]
    if any(trap in before for trap in _NUMBER_TRAPS) or not _is_about_writer(text, match.start()):
        return None
    if _OLD_NUMBER.search(text[start : match.start()]) or _OLD_NUMBER.search(text[match.end() : end]):
        return None  # "别打136…了，那个号停机了"
    sentence_start, sentence_end = _sentence(text, match.start())
    cue = _has_any(text, sentence_start, sentence_end, _PHONE_CUES)
    if needs_cue and not cue:
        return None
    return Finding("phone", value, 0.97 if cue else 0.88, match.start(), match.end())


_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)


def _emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        before = text[max(0, match.start() - 10) : match.start()]
        if "://" in before or "/" in before[-1:] or not _is_about_writer(text, match.start()):
            continue
        yield Finding("email", match.group(1).lower().rstrip("."), 0.97, match.start(), match.end())


# --- Employer and job title ---------------------------------------------------------------------------------------
_WORK_VERBS = "上班|工作|任职|就职|做事|做嘢|返工|打工|实习|上岗|当差|干活|搬砖|教书|供职"
_ORG = r"[\u4e00-\u9fa5A-Za-z0-9&·()（）]{2,30}?"
_CLAUSE_TAIL = r"(?=[，,。.!！？?~\s]|$)"
# (pattern, strong): a strong pattern names a workplace by its grammar (在X上班), so an unknown name counts.
_COMPANY_PATTERNS = [
    (
        re.compile(
            rf"(?:在|喺|于|去了|进了|入职了?|跳槽到|跳槽去|加入了?)(?P<org>{_ORG})(?:{_WORK_VERBS}|做|当|干|担任|任)"
        ),
        True,
    ),
    (
        re.compile(
            rf"(?:就职于|供职于|任职于|服务于|工作单位是?|单位是|公司是|公司叫|在职于)(?P<org>{_ORG}){_CLAUSE_TAIL}"
        ),
        True,
    ),
    (
        re.compile(rf"(?:我是|我系|我在|本人是)(?P<org>{_ORG})的(?:员工|职员|人|" + "|".join(lex.TITLE_HEADS) + ")"),
        True,
    ),
    (re.compile(rf"(?:我们|我哋)(?:公司|单位)(?:是|叫)?(?P<org>{_ORG}){_CLAUSE_TAIL}"), True),
    (re.compile(rf"(?:外企|国企|央企|私企|公司|单位|企业)[，,]?(?:叫|是|名叫)(?P<org>{_ORG}){_CLAUSE_TAIL}"), True),
    # Weaker: "我在拼多多，…", "我是阿里的": only a known or registered name.
    (re.compile(rf"(?:我在|我喺|我是|我系)(?P<org>{_ORG})(?:的)?{_CLAUSE_TAIL}"), False),
]
_ORG_SUFFIX = re.compile("(?:" + _alternation(lex.ORG_SUFFIXES) + r"|[一二三四五六七八九十\d]+中)$")
_NOT_ORG_END = re.compile("(?:区|路|街|镇|村|县|省|里|边|这边|那边|附近|店里|楼下|这里|那里|公司里|这|那|上|下|^.家)$")
_NOT_ORG_START = re.compile(
    "^(?:一家|一个|家|个|这|那|本地|当地|外企|国企|央企|私企|银行业|公司|单位|附近|自己|网上|线上)"
)
_GENERIC_WORKPLACES = frozenset(
    "家里 外面 这边 那边 市区 附近 老家 公司 单位 工地 医院 学校 银行 工厂 厂里 店里 国企 外企 央企 私企 事业单位 "
    "政府 机关 部队 写字楼 体制内 老地方 家附近 门店 商场 超市 酒店 大厂 小公司 创业公司 互联网公司 保险公司 一线 "
    "外地 国外 海外 本地 市中心 郊区 乡下 农村 城里 工厂里 车间 办公室 总部 分公司 前台 后台 线下 网上".split()
)


@lru_cache(maxsize=4096)
def _organisation_tags(name: str) -> tuple[str, ...]:
    import jieba.posseg

    return tuple(flag for _, flag in jieba.posseg.lcut(name, HMM=False))


_BUSINESS_UNIT = re.compile(
    r"(?:物流|汽车|科技|集团|音乐|金融|云|银行|证券|保险|健康|地产|物业|电器|超市|医药|控股|电子|网络|支付|智能)"
    r"(?:[\u4e00-\u9fa5]{0,6}(?:分公司|分行|支行|子公司))?"
)


def _org_confidence(name: str, strong: bool) -> float:
    """How sure we are that ``name`` names an organisation; 0 when it names a place or nothing."""
    if any(word in name for word in ("一家", "一个", "这家", "那家")):
        return 0.0  # an unnamed employer: 顺德一家家具厂
    if name in lex.KNOWN_COMPANIES or _ORG_SUFFIX.search(name):
        return 0.93
    if any(name.startswith(known) and _BUSINESS_UNIT.fullmatch(name[len(known) :]) for known in lex.KNOWN_COMPANIES):
        return 0.88  # 京东物流, 蔚来汽车
    if (
        len(name) < 2
        or name in _GENERIC_WORKPLACES
        or _is_place(name)
        or _NOT_ORG_END.search(name)
        or _NOT_ORG_START.search(name)
        or any(word in name for word in ("一家", "一个", "这家", "那家"))
        or _TITLE_AT_END.search(name)
    ):
        return 0.0
    tags = _organisation_tags(name)
    if not strong:
        return 0.0
    if "nt" in tags:
        return 0.9
    if tags and all(tag in ("m", "q", "r", "d", "p", "u", "v", "f", "t", "c", "s") for tag in tags):
        return 0.0  # numbers, pronouns, verbs, directions: not a name
    return 0.75


def _is_place(name: str) -> bool:
    bare = name.removesuffix("市").removesuffix("省")
    return bare in lex.CITIES or bare in lex.PROVINCES or bare in lex.DISTRICTS or bare in lex.REGIONS


def _trim_org(name: str) -> str:
    name = re.sub(r"^(?:一家叫|叫做|名叫|叫)", "", name)
    name = re.sub(r"(?:总部|总公司|这边|那边)$", "", name)
    for place in (*lex.CITIES, *lex.PROVINCES):
        # "深圳腾讯" keeps its place only when the name is a registered one (深圳市腾达科技有限公司).
        if name.startswith(place) and not _ORG_SUFFIX.search(name) and name[len(place) :] in lex.KNOWN_COMPANIES:
            return name[len(place) :]
    return name


def _companies(text: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for pattern, strong in _COMPANY_PATTERNS:
        for match in pattern.finditer(text):
            name = _trim_org(match.group("org"))
            confidence = _org_confidence(name, strong)
            if not confidence or name in seen or not _is_about_writer(text, match.start("org")):
                continue
            if _PAST_EMPLOYER.search(text[max(0, match.start() - 4) : match.start("org")]):
                continue  # 以前在百度，现在在快手
            seen.add(name)
            start = text.index(name, match.start("org"))
            yield Finding("company", name, confidence, start, start + len(name))
    for match in _REGISTERED_ORG.finditer(text):
        name = _trim_org(match.group(0))
        if name in seen or any(name in other or other in name for other in seen):
            continue
        if not _is_about_writer_strict(text, match.start()) and not _looks_like_card(text):
            continue
        seen.add(name)
        start = text.index(name, match.start())
        yield Finding("company", name, 0.85, start, start + len(name))


_PAST_EMPLOYER = re.compile(r"(?:以前|之前|原来|曾经|过去)(?:我)?(?:在|喺)?$")
_REGISTERED_ORG = re.compile(
    r"[\u4e00-\u9fa5()（）]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团(?:有限公司)?)"
    r"(?:[\u4e00-\u9fa5]{2,8}?(?:分行|支行|分公司|中心支公司|支公司|营业部|办事处))?"
)


_CARD_ORG_LINE = re.compile(
    r"[\u4e00-\u9fa5()（）]{4,40}(?:公司|银行|分行|支行|营业部|集团|事务所|研究院|医院|中心|协会|大学|学院)"
)
_CARD_ADDRESS_LINE = re.compile(
    rf"^(?:地址|Add(?:ress)?|地\s*址)?[:：\s]*(?:[\u4e00-\u9fa5]{{2,3}}省)?(?P<city>{_alternation(lex.CITIES)})市?"
    r"[\u4e00-\u9fa5\d\-()（）]{0,30}?(?:区|县|镇|街道|路|街|大道|号)"
)


def _card_lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line.strip()
        offset += len(line) + 1


def _card_facts(text: str) -> Iterator[Finding]:
    """A business card's own layout: a line that is an organisation's name, an address line that starts with a city."""
    if not _looks_like_card(text):
        return
    for offset, line in _card_lines(text):
        if _CARD_ORG_LINE.fullmatch(line):
            start = text.index(line, offset)
            yield Finding("company", line, 0.8, start, start + len(line))
        address = _CARD_ADDRESS_LINE.match(line)
        if address:
            start = text.index(line, offset) + address.start("city")
            yield Finding("city", address.group("city"), 0.85, start, start + len(address.group("city")))


def _looks_like_card(text: str) -> bool:
    """OCR text of a business card: several short lines, at least one a phone or an e-mail."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 3 and bool(_MOBILE.search(text) or _EMAIL.search(text))


_TITLE_HEAD = re.compile("(?:" + _alternation(lex.TITLE_HEADS) + ")")
_TITLE_AT_END = re.compile("(?:" + _alternation(lex.TITLE_HEADS) + ")$")
_QUALIFIER_AT_END = re.compile("(?:" + _alternation(lex.TITLE_QUALIFIERS) + ")$")
# Where the words qualifying a title stop, reading leftwards: 在德勤当|审计经理, 我是一名|小学老师.
_TITLE_BOUNDARY = re.compile(r"(?:的|是|系|做|当|任|干|名|个|在|我|本人|了|和|与|跟|，|,|\s)$")
_TITLE_CUE = re.compile(
    r"(?:我是|我系|我做|我当|我在|本人是|本人|我是一名|我是个|我目前是|我现在是|我的职位是|职位是|岗位是|我的工作是|"
    r"担任|任职|做|当|干)[^，,。.!！？?]{0,16}$"
)


def _title_start(text: str, head_start: int, floor: int) -> int:
    """Extend a title leftwards over its qualifiers: known ones (产品, 高级), then one unknown two-character word
    that stands right after a boundary (当审计经理 → 审计经理)."""
    start = head_start
    while True:
        match = _QUALIFIER_AT_END.search(text, floor, start)
        if not match:
            break
        start = match.start()
    unknown = text[max(floor, start - 2) : start]
    if (
        len(unknown) == 2
        and all("\u4e00" <= ch <= "\u9fff" for ch in unknown)
        and not _TITLE_BOUNDARY.search(unknown)
        and (start - 2 == floor or _TITLE_BOUNDARY.search(text, floor, start - 2))
    ):
        start -= 2
    return start


def _job_titles(text: str) -> Iterator[Finding]:
    card = _looks_like_card(text)
    for match in _TITLE_HEAD.finditer(text):
        end = match.end()
        following = text[end : end + 2]
        if (
            following[:1] in ("你", "您", "好", "们", "部", "证", "考", "资", "这", "那", "说", "问")
            or following == "的沙"
        ):
            continue  # 王经理你好, 经理们, 销售部, 会计证
        if _TITLE_HEAD.match(text, end) or following == "中心":
            continue  # 财务总监: the longer title is read next; 销售中心 is a department
        clause_start, _ = _clause(text, match.start())
        start = _title_start(text, match.start(), clause_start)
        title = text[start:end]
        before = text[clause_start:start]
        if card and len(before.strip()) <= 6:
            yield Finding("job_title", title, 0.8, start, end)
            continue
        if not _TITLE_CUE.search(before) or not _is_about_writer_strict(text, start):
            continue
        if re.search(r"(?:找|问|让|请|叫|跟|给|联系|推荐|帮)[^，,。]{0,4}$", before):
            continue
        yield Finding("job_title", title, 0.85, start, end)


# --- Birthday and age ---------------------------------------------------------------------------------------------
_DATE = re.compile(
    # With a year: 1990年3月8日, 1990-03-08, 92年7月16号. Without one, only 5月12号 (1.5米 is no date).
    rf"(?:(?P<year>(?:19|20)\d{{2}})\s*[年\-/.]|(?P<short_year>\d{{2}})\s*年)\s*(?P<month>\d{{1,2}}|{CN_NUMBER})\s*[月\-/.]\s*"
    rf"(?P<day>\d{{1,2}}|{CN_NUMBER})\s*(?:日|号)?"
    rf"|(?P<month2>\d{{1,2}}|{CN_NUMBER})\s*月\s*(?P<day2>\d{{1,2}}|{CN_NUMBER})\s*(?:日|号)"
    rf"|(?<![\d/.])(?P<month3>\d{{1,2}})/(?P<day3>\d{{1,2}})(?![\d/])"
)
_BIRTH_CUE = re.compile(r"生日|出生|生于|诞辰|生辰|出世|[日号]生|生的|我是.{0,12}的$|呱呱坠地")


def _full_year(short: str | None) -> str | None:
    """92 → 1992, 05 → 2005: a two-digit birth year lies in the last hundred years."""
    if not short:
        return None
    this_year = datetime.date.today().year
    year = 2000 + int(short)
    return str(year if year <= this_year else year - 100)


def _birthdays(text: str) -> Iterator[Finding]:
    for match in _DATE.finditer(text):
        start, end = _sentence(text, match.start())
        window = text[max(start, match.start() - 12) : min(end, match.end() + 8)]
        said = text[max(start, match.start() - 3) : match.start()].endswith("我是") and text[match.end() :][:1] == "的"
        if not (_BIRTH_CUE.search(window) or said) or not _is_about_writer(text, match.start()):
            continue
        month = _number(match.group("month") or match.group("month2") or match.group("month3"))
        day = _number(match.group("day") or match.group("day2") or match.group("day3"))
        if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        year = match.group("year") or _full_year(match.group("short_year"))
        value = f"{year}-{int(month):02d}-{int(day):02d}" if year else f"--{int(month):02d}-{int(day):02d}"
        yield Finding("birthday", value, 0.9 if year else 0.85, match.start(), match.end())


_AGE = re.compile(rf"(?P<age>\d{{2}}|{CN_NUMBER})\s*(?:周岁|岁|歲)")
_AGE_NOW = re.compile(
    rf"(?:我|本人)?今年(?:已经|才|刚|刚好|都)?(?P<age>\d{{2}}|{CN_NUMBER})(?=了|啦|喇|咯|[，,。!！~\s]|$)"
    rf"|(?:我|本人)(?:都|已经|才|也)?(?P<age2>\d{{2}})(?=了|啦|[，,。!！~]|$)"
    rf"|(?:I'm|I am|i'm)\s*(?P<age3>\d{{2}})\b"
)


def _ages(text: str) -> Iterator[Finding]:
    for pattern in (_AGE, _AGE_NOW):
        for match in pattern.finditer(text):
            age = _number(next(g for g in match.groupdict().values() if g))
            if age is None or not 16 <= age <= 100 or not _is_about_writer(text, match.start()):
                continue
            before = text[max(0, match.start() - 4) : match.start()]
            if re.search(r"(?:满|到|超过|以上|以下|之前|前|后|至|-|~|到了|等到)$", before):
                continue  # 满60岁可以领, 60岁以后, 18岁之前
            after = text[match.end() : match.end() + 3]
            if re.match(r"(?:以上|以下|之前|前|后|起|的时候|可以|就|才能|以后)", after):
                continue
            yield Finding("age", str(int(age)), 0.9, match.start(), match.end())


# --- Places -------------------------------------------------------------------------------------------------------
_CITY_NAMES = _alternation([*lex.CITIES, *lex.DISTRICTS])
_LIVES_IN = re.compile(
    rf"(?:住在?|住喺|家在|家住|屋企喺|定居在?|安家在?|常住|现居|现住|居住在|人在|坐标|base|Base|我在|我喺|我们在|我哋喺|"
    rf"搬到了?|搬去了?|在)(?:市)?(?P<city>{_CITY_NAMES})(?:市)?"
)
_NOT_LIVING = re.compile(r"(?:出差|旅游|旅行|玩|开会|参加|路过|转机|看看|逛|培训|学习|读书|上学|读大学|念书)")
_LIVING_TAIL = re.compile(r"^(?:市)?[\u4e00-\u9fa5]{0,6}?(?:住|生活|定居|安家|这边|那边|本地)")
# A city that begins an organisation's name is no residence: 深圳大学, 广州地铁, 中山大学附属医院.
_ORG_AFTER_CITY = re.compile(
    r"^(?:大学|学院|地铁|银行|医院|分行|支行|公司|中学|小学|电视台|机场|火车站|北站|南站|东站|西站|日报|晚报|分公司|"
    r"市民|卫视|国际|科技|电网|电信|移动|联通|办事处|总部|工厂|大厦)"
)


_FUTURE_MOVE = re.compile(r"明年|下个月|以后|打算|准备|将来|要搬|搬过去")


def _cities(text: str) -> Iterator[Finding]:
    for match in _LIVES_IN.finditer(text):
        name = match.group("city")
        city = lex.DISTRICTS.get(name, name)
        if not city:
            continue
        trigger = match.group(0)[: match.start("city") - match.start()]
        clause_start, clause_end = _clause(text, match.start())
        rest = text[match.end() : clause_end]
        if _NOT_LIVING.search(text[clause_start:clause_end]) or not _is_about_writer(text, match.start("city")):
            continue
        if _ORG_AFTER_CITY.match(rest.removeprefix("市")):
            continue
        if trigger.endswith("在") and trigger not in ("住在", "定居在", "安家在", "居住在", "家在", "人在"):
            # 我在深圳: lives there only when nothing else follows in the clause, or a word of living does.
            if rest.strip() and not _LIVING_TAIL.match(rest) and not lex.DISTRICTS.get(rest.strip()[:2]):
                continue
            if trigger == "在" and not (text[clause_start : match.start()].endswith("我") or _LIVING_TAIL.match(rest)):
                continue
        if _FUTURE_MOVE.search(text[clause_start:clause_end]):
            continue
        yield Finding("city", city, 0.85, match.start("city"), match.end("city"))
    if _looks_like_card(text):
        for match in re.finditer(
            rf"(?:地址|Add|地 址)[:：\s]*(?:[\u4e00-\u9fa5]{{0,4}}省)?(?P<city>{_CITY_NAMES})", text
        ):
            city = lex.DISTRICTS.get(match.group("city"), match.group("city"))
            if city:
                yield Finding("city", city, 0.85, match.start("city"), match.end("city"))


_HOME_NAMES = _alternation([*lex.CITIES, *lex.PROVINCES, *lex.REGIONS])
_HOMETOWN = re.compile(
    rf"(?:老家|家乡|祖籍|籍贯|乡下)(?:是|在|喺|系)?(?P<place>{_HOME_NAMES})|"
    rf"(?:我是|我系|本人是|我们是|我们都是|都是|我)(?P<place2>{_HOME_NAMES})(?:人|妹子|姑娘|小伙|仔|女|男)"
)


def _hometowns(text: str) -> Iterator[Finding]:
    for match in _HOMETOWN.finditer(text):
        group = "place" if match.group("place") else "place2"
        if not _is_about_writer(text, match.start()):
            continue
        yield Finding("hometown", match.group(group), 0.85, match.start(group), match.end(group))


# --- Family -------------------------------------------------------------------------------------------------------
_SPOUSE = re.compile(
    r"(?:(?:我|俺|我的|我家|我家的|我跟|我和|我与)(?:老公|老婆|先生|太太|爱人|媳妇|丈夫|妻子|老婆大人|另一半|那口子)"
    r"|(?:^|(?<=[，,。！!？?\s]))(?:老公|老婆|媳妇|我先生|那口子)(?=[在都也说是系不让要想今去和跟])|领证|单亲)"
)
_MARRIED = re.compile(
    r"(?:已婚|结婚(?:了|都|已经|快|有|\d+年|[一二两三四五六七八九十]+年)|刚结婚|新婚|我们俩结婚|婚后|领证|结咗婚)"
)
_UNMARRIED = re.compile(
    r"(?:没结婚|未婚|还单身|单身|没有结婚|还没结婚|没对象|没有对象|离婚了|离异|离了婚|未结婚|仲未结婚|冇结婚)"
)
_CHILD = re.compile(
    r"(?:我|俺|我的|我家|我们家|我哋|我个)(?:儿子|女儿|孩子|小孩|宝宝|闺女|娃|仔|囡|大宝|小宝)"
    r"|(?:^|(?<=[，,。！!？?\s]))(?:儿子|女儿|闺女|个仔|个女)(?=[在今明上读要想说结考刚也都])"
)
_CHILD_COUNT = re.compile(
    r"(?P<n>\d|[一两二三四俩])个(?:孩子|小孩|娃|宝宝|儿子|女儿|小朋友|仔女|仔|囡)|(?P<twins>双胞胎|龙凤胎|一儿一女|一男一女|儿女双全)"
    r"|(?P<nth>[二三])(?:胎|宝)"
)
_CHILDLESS = re.compile(r"(?:没有?孩子|没有?小孩|还没要孩子|还没生|丁克|没娃|冇仔|未有小朋友|还没宝宝)")


def _family(text: str) -> Iterator[Finding]:
    for match in _SPOUSE.finditer(text):
        single_parent = match.group(0) == "单亲"
        yield Finding("married", "false" if single_parent else "true", 0.9, match.start(), match.end())
        break
    for pattern, value in ((_MARRIED, "true"), (_UNMARRIED, "false")):
        for match in pattern.finditer(text):
            start, end = _clause(text, match.start())
            if _has_any(text, start, match.start(), lex.HYPOTHETICAL_CUES) or not _is_about_writer(text, match.start()):
                continue
            yield Finding("married", value, 0.9, match.start(), match.end())
    counted = False
    for match in _CHILD_COUNT.finditer(text):
        start, _ = _clause(text, match.start())
        if _has_any(text, start, match.start(), lex.HYPOTHETICAL_CUES) or not _is_about_writer(text, match.start()):
            continue
        if match.group("n"):
            count = int(_number(match.group("n")) or 0)
        elif match.group("twins"):
            count = 2
        else:
            count = 2 if match.group("nth") == "二" else 3
        counted = True
        yield Finding("children", str(count), 0.85, match.start(), match.end())
    if not counted:
        for match in _CHILDLESS.finditer(text):
            if not _is_about_writer(text, match.start()):
                continue
            counted = True
            yield Finding("children", "0", 0.85, match.start(), match.end())
    if not counted:
        for match in _CHILD.finditer(text):
            yield Finding("children", "1", 0.7, match.start(), match.end())
            break


# --- Budget -------------------------------------------------------------------------------------------------------
_AMOUNT = rf"(?:\d+(?:\.\d+)?|{CN_NUMBER})\s*(?:万|w|W|千|k|K|元|块|蚊)?"
_BUDGET = re.compile(
    rf"(?:(?P<low>{_AMOUNT})\s*(?:到|至|-|~|～)\s*)?(?P<amount>(?:\d+(?:\.\d+)?|{CN_NUMBER})\s*(?:万|w|W|千|k|K|元|块|蚊)?)"
)
_BUDGET_BEFORE = re.compile(
    r"(?:预算|预算是|预算大概|预算在|打算花|准备花|想花|控制在|不超过|最多|上限|能接受|手上有|手头有|闲钱|有笔|有一笔|"
    r"想存|准备存|打算存|想投|准备投|打算投|想买|存个|投个|拿出|拿|不想超过|别超过|不要超过|不能超过|budget)"
    r"[^，,。.!！？?\d]{0,6}$"
)
_BUDGET_AFTER = re.compile(r"^(?:以内|之内|以下|左右的预算|的预算|预算|封顶|都可以|都行)")
# The cue may sit in the next clause ("两三万吧，不能再多了") or the wish in an earlier one ("想存个定期，大概二十万").
_BUDGET_LATER = re.compile(r"不能再多|不能超过|最多了|封顶|以内")
_ABOUT = re.compile(r"(?:大概|大约|差不多|约)$")
_WISH = re.compile(r"想存|想投|想买|预算|准备存|打算存|准备投|打算投|准备买|打算买")
_TWO_DIGITS = re.compile("^[一二两三四五六七八九]{2}")
_UNIT = {"万": 10_000, "w": 10_000, "W": 10_000, "千": 1_000, "k": 1_000, "K": 1_000}


def _amount(word: str) -> int | None:
    word = word.strip()
    if _TWO_DIGITS.match(word):
        word = word[1:]  # 两三万 → 三万, 七八十万 → 八十万: a range's upper end
    unit = 1
    if word and word[-1] in _UNIT:
        unit, word = _UNIT[word[-1]], word[:-1]
    elif word and word[-1] in "元块蚊":
        word = word[:-1]
    value = _number(word.strip())
    return int(round(value * unit)) if value is not None else None


def _budgets(text: str) -> Iterator[Finding]:
    for match in _BUDGET.finditer(text):
        if not match.group("amount").strip() or not re.search(r"\d|[一二两三四五六七八九十百千万]", match.group(0)):
            continue
        start = match.start("low") if match.group("low") else match.start("amount")
        clause_start, _ = _clause(text, start)
        before = text[clause_start:start]
        after = text[match.end() : match.end() + 6]
        sentence_start, sentence_end = _sentence(text, start)
        later = text[match.end() : min(sentence_end, match.end() + 10)]
        cued = (
            _BUDGET_BEFORE.search(before)
            or _BUDGET_AFTER.match(after.lstrip("左右吧 "))
            or _BUDGET_LATER.search(later)
            or (_ABOUT.search(before) and _WISH.search(text[sentence_start:start]))
        )
        if not cued:
            continue
        amount_word = match.group("amount")
        unit_word = amount_word.strip()[-1:]
        value = _amount(amount_word)
        if value is None or value < 100 or not _is_about_writer(text, start):
            continue
        if unit_word not in _UNIT and re.search(r"[万wW]", after[:1]):
            value = _amount(amount_word + after[:1]) or value
        yield Finding("budget", str(value), 0.85, start, match.end())


# --- Interests, hobbies, MBTI -------------------------------------------------------------------------------------
_INTEREST = re.compile(_alternation(lex.INTERESTS))


def _interests(text: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for match in _INTEREST.finditer(text):
        code = lex.INTERESTS[match.group(0)]
        start, end = _clause(text, match.start())
        sentence_start, sentence_end = _sentence(text, match.start())
        if code in seen or _has_any(text, start, end, lex.REJECT_CUES):
            continue
        if re.match(r"(?:经理|顾问|师|专员|主管)", text[match.end() : match.end() + 2]):
            continue  # 理财经理 is a job, not an interest
        helping = re.search(r"(?:给|帮|替)[^，,。]{0,4}$", text[start : match.start()])
        if _speaker(text, match.start()) == "other" and not helping:
            continue  # 她想买医疗险 is her lead; 我太太想看看餐桌 and 给我妈买医疗险 are the household's
        # "重疾险的话，我不考虑": the rejection may follow in the next clause when that one names no product.
        next_start, next_end = _clause(text, min(end + 1, sentence_end))
        next_clause = text[next_start:next_end] if end < sentence_end else ""
        if next_clause and not _INTEREST.search(next_clause) and _has_any(text, next_start, next_end, lex.REJECT_CUES):
            continue
        seen.add(code)
        yield Finding("interest", code, 0.75, match.start(), match.end())


_HOBBY = re.compile(_alternation(lex.HOBBIES) + r"|跑(?:\d+|[一二两三四五六七八九十]+)公里")


def _hobbies(text: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for match in _HOBBY.finditer(text):
        value = lex.HOBBIES.get(match.group(0), "跑步")
        start, end = _clause(text, match.start())
        sentence_start, _ = _sentence(text, match.start())
        if value in seen or not _has_any(text, min(start, sentence_start), end, lex.HOBBY_CUES):
            continue
        if _has_any(text, start, end, lex.HOBBY_NEGATIONS) or not _is_about_writer(text, match.start()):
            continue
        seen.add(value)
        yield Finding("hobby", value, 0.8, match.start(), match.end())


_MBTI = re.compile(r"(?<![A-Za-z])([EIei][NSns][TFtf][JPjp])(?![A-Za-z])")


def _mbti(text: str) -> Iterator[Finding]:
    for match in _MBTI.finditer(text):
        word = match.group(1)
        sentence_start, sentence_end = _sentence(text, match.start())
        cue = re.search(r"mbti|MBTI|人格|性格|测出来|测试|型", text[sentence_start:sentence_end])
        if not (word.isupper() or cue) or not _is_about_writer(text, match.start()):
            continue
        yield Finding("mbti", word.upper(), 0.9 if cue else 0.8, match.start(), match.end())


_RULES = (_card_facts, _phones, _emails, _companies, _job_titles, _birthdays, _ages, _cities, _hometowns, _family,
          _budgets, _interests, _hobbies, _mbti)  # fmt: skip


def extract_text(text: str) -> list[Finding]:
    """Every fact ``text`` states about its writer, one finding per (field, value), in the order of the text."""
    original = text or ""
    prepared = _prepare(original)
    best: dict[tuple[str, str], Finding] = {}
    for rule in _RULES:
        for finding in rule(prepared):
            if finding.field == "company" and prepared[finding.start : finding.end] == finding.value:
                # A name keeps its printed form: 德诚投资（青岛）有限公司, not the half-width brackets matched on.
                finding = replace(finding, value=original[finding.start : finding.end])
            key = (finding.field, finding.value)
            if key not in best or best[key].confidence < finding.confidence:
                best[key] = finding
    return sorted(best.values(), key=lambda f: (f.start, f.field))
