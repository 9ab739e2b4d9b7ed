"""Profile facts from what a customer writes (SPEC P2): phone, e-mail, employer, job title, birthday, age, city,
hometown, marriage, children, budget, product interests, hobbies and MBTI.

``extract_text(text)`` returns ``Finding``s — a field, a normalised value, a confidence and the span in the text.
Patterns find most fields; jieba's part-of-speech tags judge an employer's name when no pattern settles it.
Every rule first asks whose fact it is: the nearest person named before the fact in the same sentence decides
(我 → the writer; 我老公, 同事, 他, 你 → somebody else), so "我老公在华为上班" yields a marriage, not an employer.

Pure Python, no Django: the command line, the Celery task and the benchmark all call the same function.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from crm import profile_lexicon as lex

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
    "(?P<kin>(?:我|俺|我的|我家|我们家|我哋)(?:" + _alternation(lex.THIRD_PARTIES) + "))"
    "|(?P<other>" + _alternation(lex.THIRD_PARTIES) + ")"
    "|(?P<self>" + _alternation(lex.SELF_REFERENCES) + ")"
)
_NOT_PERSON = re.compile(r"(?:你好|您好|你们|您们|谢谢你|麻烦你|帮你|给你|跟你说|告诉你|你看|您看|他们家|她们家)")


def _is_about_writer(text: str, pos: int) -> bool:
    """Whether the fact at ``pos`` is the writer's own: the nearest person before it in the sentence is the writer,
    or nobody is named there (a customer's message is about themselves unless it says otherwise)."""
    start, _ = _sentence(text, pos)
    last = None
    for match in _PERSON.finditer(text, start, pos):
        if _NOT_PERSON.match(text, match.start()) or _NOT_PERSON.match(text, max(match.start() - 1, 0)):
            continue
        last = match
    return last is None or last.lastgroup == "self"


def _is_about_writer_strict(text: str, pos: int) -> bool:
    """Whether the writer names themselves before ``pos`` in the sentence, and nobody else after that."""
    start, _ = _sentence(text, pos)
    last = None
    for match in _PERSON.finditer(text, start, pos):
        if _NOT_PERSON.match(text, match.start()):
            continue
        last = match
    return last is not None and last.lastgroup == "self"


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
        section += digit * (last_unit // 10 if last_unit >= 100 and len(word) > 1 and word[-2] in _CN_UNITS else 1)
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
    sentence_start, sentence_end = _sentence(text, match.start())
    cue = _has_any(text, sentence_start, sentence_end, _PHONE_CUES)
    if needs_cue and not cue:
        return None
    return Finding("phone", value, 0.97 if cue else 0.88, match.start(), match.end())


_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")


def _emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        before = text[max(0, match.start() - 10) : match.start()]
        if "://" in before or "/" in before[-1:] or not _is_about_writer(text, match.start()):
            continue
        yield Finding("email", match.group(1).lower().rstrip("."), 0.97, match.start(), match.end())


# --- Employer and job title ---------------------------------------------------------------------------------------
_WORK_VERBS = "上班|工作|任职|就职|做事|做嘢|返工|打工|实习|上岗|当差|干活|搬砖"
_ORG = r"[\u4e00-\u9fa5A-Za-z0-9&·()（）]{2,30}?"
_COMPANY_PATTERNS = [
    re.compile(
        rf"(?:在|喺|于|去了|进了|入职了?|跳槽到|跳槽去|加入了?)(?P<org>{_ORG})(?:{_WORK_VERBS}|做|当|干|担任|任)"
    ),
    re.compile(
        rf"(?:就职于|供职于|任职于|服务于|工作单位是?|单位是|公司是|公司叫|在职于)(?P<org>{_ORG})(?=[，,。.!！？?\s的]|$)"
    ),
    re.compile(rf"(?:我是|我系|我在|本人是)(?P<org>{_ORG})的(?:员工|职员|人|" + "|".join(lex.TITLE_HEADS) + ")"),
    re.compile(rf"(?:我们|我哋)(?:公司|单位)(?:是|叫)?(?P<org>{_ORG})(?=[，,。.!！？?\s]|$)"),
]
_ORG_SUFFIX = re.compile("(?:" + _alternation(lex.ORG_SUFFIXES) + ")$")
_NOT_ORG_END = re.compile("(?:区|路|街|镇|村|县|省|家|里|边|这边|那边|附近|店里|楼下|这里|那里|公司里|这|那)$")
_NOT_ORG_START = re.compile("^(?:一家|一个|家|个|这|那|本地|当地|外企|国企|央企|私企|银行业|公司|单位|附近)")


@lru_cache(maxsize=4096)
def _organisation_tags(name: str) -> tuple[str, ...]:
    import jieba.posseg

    return tuple(flag for _, flag in jieba.posseg.lcut(name, HMM=False))


def _org_confidence(name: str) -> float:
    """How sure we are that ``name`` names an organisation; 0 when it names a place or nothing."""
    if name in lex.KNOWN_COMPANIES or _ORG_SUFFIX.search(name):
        return 0.93
    if _is_place(name) or _NOT_ORG_END.search(name) or _NOT_ORG_START.search(name) or len(name) < 2:
        return 0.0
    tags = _organisation_tags(name)
    if "nt" in tags:
        return 0.9
    if tags and all(tag in ("ns", "m", "q", "r", "d", "p", "u", "v", "f", "t") for tag in tags):
        return 0.0
    if "nz" in tags or "nr" in tags or "eng" in tags or "n" in tags:
        return 0.75
    return 0.0


def _is_place(name: str) -> bool:
    bare = name.removesuffix("市").removesuffix("省")
    return bare in lex.CITIES or bare in lex.PROVINCES or bare in lex.DISTRICTS or bare in lex.REGIONS


def _trim_org(name: str) -> str:
    name = re.sub(r"^(?:一家叫|一家|这家|那家)", "", name)
    for place in (*lex.CITIES, *lex.PROVINCES):
        # "深圳腾讯" keeps its place only when the name is a registered one (深圳市腾达科技有限公司).
        if name.startswith(place) and not _ORG_SUFFIX.search(name) and name[len(place) :] in lex.KNOWN_COMPANIES:
            return name[len(place) :]
    return name


def _companies(text: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for pattern in _COMPANY_PATTERNS:
        for match in pattern.finditer(text):
            name = _trim_org(match.group("org"))
            # A title that ends the pattern's name belongs to the title: 在招商银行做柜员 → 招商银行.
            confidence = _org_confidence(name)
            if not confidence or name in seen or not _is_about_writer(text, match.start("org")):
                continue
            seen.add(name)
            yield Finding("company", name, confidence, match.start("org"), match.start("org") + len(name))
    for match in _REGISTERED_ORG.finditer(text):
        name = match.group(0)
        if name in seen or any(name in other or other in name for other in seen):
            continue
        if not _is_about_writer_strict(text, match.start()) and not _looks_like_card(text):
            continue
        seen.add(name)
        yield Finding("company", name, 0.85, match.start(), match.end())


_REGISTERED_ORG = re.compile(
    r"[\u4e00-\u9fa5()（）]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团(?:有限公司)?)(?:[\u4e00-\u9fa5]{2,8}?(?:分行|支行|分公司))?"
)


def _looks_like_card(text: str) -> bool:
    """OCR text of a business card: several short lines, at least one a phone or an e-mail."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 3 and bool(_MOBILE.search(text) or _EMAIL.search(text))


_TITLE = re.compile(
    "(?P<title>(?:(?:" + _alternation(lex.TITLE_QUALIFIERS) + "){0,2})(?:" + _alternation(lex.TITLE_HEADS) + "))"
)
_TITLE_CUE = re.compile(
    r"(?:我是|我系|我做|我当|我在|本人是|我是一名|我是个|我目前是|我现在是|我的职位是|职位是|岗位是|我的工作是|"
    r"担任|任职|做|当|干)[^，,。.!！？?]{0,16}$"
)
_TITLE_STOP = re.compile(r"(?:您好|你好|好|吗|呢|说|问|推荐|帮|找|让|请|叫|跟|给|问问|联系)$")


def _job_titles(text: str) -> Iterator[Finding]:
    card = _looks_like_card(text)
    for match in _TITLE.finditer(text):
        start, end = match.span("title")
        following = text[end : end + 2]
        if following[:1] in ("你", "您", "好", "们", "部", "证", "考", "资", "这", "那", "说", "问", "的"):
            continue  # 王经理你好, 经理们, 销售部, 会计证, 销售的沙发
        clause_start, _ = _clause(text, start)
        before = text[clause_start:start]
        if card and len(before.strip()) <= 6:
            yield Finding("job_title", match.group("title"), 0.8, start, end)
            continue
        if not _TITLE_CUE.search(before) or not _is_about_writer_strict(text, start):
            continue
        if re.search(r"(?:找|问|让|请|叫|跟|给|联系|推荐)[^，,。]{0,4}$", before):
            continue
        yield Finding("job_title", match.group("title"), 0.85, start, end)


# --- Birthday and age ---------------------------------------------------------------------------------------------
_DATE = re.compile(
    rf"(?:(?P<year>(?:19|20)\d{{2}})\s*[年\-/.])?\s*(?P<month>\d{{1,2}}|{CN_NUMBER})\s*[月\-/.]\s*"
    rf"(?P<day>\d{{1,2}}|{CN_NUMBER})\s*(?:日|号)?"
)
_BIRTH_CUE = re.compile(r"生日|出生|生于|诞辰|生辰|出世|我是.{0,12}生的|呱呱坠地")


def _birthdays(text: str) -> Iterator[Finding]:
    for match in _DATE.finditer(text):
        start, end = _sentence(text, match.start())
        window = text[max(start, match.start() - 12) : min(end, match.end() + 8)]
        if not _BIRTH_CUE.search(window) or not _is_about_writer(text, match.start()):
            continue
        month, day = _number(match.group("month")), _number(match.group("day"))
        if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        year = match.group("year")
        value = f"{year}-{int(month):02d}-{int(day):02d}" if year else f"--{int(month):02d}-{int(day):02d}"
        yield Finding("birthday", value, 0.9 if year else 0.85, match.start(), match.end())


_AGE = re.compile(rf"(?P<age>\d{{2}}|{CN_NUMBER})\s*(?:周岁|岁|歲)")
_AGE_NOW = re.compile(rf"(?:我|本人)?今年(?:已经|才|刚|刚好|都)?(?P<age>\d{{2}}|{CN_NUMBER})(?:了|啦|喇|咯)")


def _ages(text: str) -> Iterator[Finding]:
    for pattern in (_AGE, _AGE_NOW):
        for match in pattern.finditer(text):
            age = _number(match.group("age"))
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
    rf"(?:住在?|住喺|家在|家住|屋企喺|定居在?|安家在?|常住|人在|坐标|base|Base|我在|我喺|我们在|我哋喺|"
    rf"搬到了?|搬去了?|在)(?:市)?(?P<city>{_CITY_NAMES})(?:市)?"
)
_NOT_LIVING = re.compile(r"(?:出差|旅游|旅行|玩|开会|参加|路过|转机|看看|逛|培训|学习|读书|上学|读大学|念书)")
_LIVING_TAIL = re.compile(
    r"^(?:市)?[\u4e00-\u9fa5]{0,6}?(?:住|生活|定居|安家|买了房|买房|上班|工作|返工|做嘢|这边|那边|本地|人)"
)


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
        if trigger == "在" and not (_LIVING_TAIL.match(rest) or text[clause_start : match.start()].endswith("我")):
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
    rf"(?:我是|我系|本人是|我们是)(?P<place2>{_HOME_NAMES})(?:人|妹子|姑娘|小伙|仔|女|男)"
)


def _hometowns(text: str) -> Iterator[Finding]:
    for match in _HOMETOWN.finditer(text):
        group = "place" if match.group("place") else "place2"
        if not _is_about_writer(text, match.start()):
            continue
        yield Finding("hometown", match.group(group), 0.85, match.start(group), match.end(group))


# --- Family -------------------------------------------------------------------------------------------------------
_SPOUSE = re.compile(r"(?:我|俺|我的|我家)(?:老公|老婆|先生|太太|爱人|媳妇|丈夫|妻子|老婆大人|另一半)")
_MARRIED = re.compile(
    r"(?:已婚|结婚(?:了|都|已经|快|有|\d+年|[一二两三四五六七八九十]+年)|刚结婚|新婚|我们俩结婚|婚后|领证了|结咗婚)"
)
_UNMARRIED = re.compile(
    r"(?:没结婚|未婚|还单身|单身|没有结婚|还没结婚|没对象|没有对象|离婚了|离异|离了婚|未结婚|仲未结婚|冇结婚)"
)
_CHILD = re.compile(r"(?:我|俺|我的|我家|我们家|我哋)(?:儿子|女儿|孩子|小孩|宝宝|闺女|娃|仔|囡|大宝|小宝)")
_CHILD_COUNT = re.compile(
    r"(?P<n>\d|[一两二三四俩])个(?:孩子|小孩|娃|宝宝|儿子|女儿|小朋友|仔女)|(?P<twins>双胞胎|龙凤胎|一儿一女|一男一女|儿女双全)"
    r"|(?P<nth>[二三])(?:胎|宝)"
)
_CHILDLESS = re.compile(r"(?:没有?孩子|没有?小孩|还没要孩子|还没生|丁克|没娃|冇仔|未有小朋友|还没宝宝)")


def _family(text: str) -> Iterator[Finding]:
    for match in _SPOUSE.finditer(text):
        yield Finding("married", "true", 0.9, match.start(), match.end())
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
    r"想存|准备存|打算存|想投|准备投|打算投|想买|存个|投个|拿出|budget)[^，,。.!！？?\d]{0,6}$"
)
_BUDGET_AFTER = re.compile(r"^(?:以内|之内|以下|左右的预算|的预算|预算)")
_UNIT = {"万": 10_000, "w": 10_000, "W": 10_000, "千": 1_000, "k": 1_000, "K": 1_000}


def _amount(word: str) -> int | None:
    word = word.strip()
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
        if not (_BUDGET_BEFORE.search(before) or _BUDGET_AFTER.match(after.lstrip("左右 "))):
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
        # "重疾险的话，我不考虑": the rejection may follow in the next clause when that one names no product.
        next_start, next_end = _clause(text, min(end + 1, sentence_end))
        next_clause = text[next_start:next_end] if end < sentence_end else ""
        if next_clause and not _INTEREST.search(next_clause) and _has_any(text, next_start, next_end, lex.REJECT_CUES):
            continue
        seen.add(code)
        yield Finding("interest", code, 0.75, match.start(), match.end())


_HOBBY = re.compile(_alternation(lex.HOBBIES))


def _hobbies(text: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for match in _HOBBY.finditer(text):
        value = lex.HOBBIES[match.group(0)]
        start, end = _clause(text, match.start())
        if value in seen or not _has_any(text, start, match.start(), lex.HOBBY_CUES):
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


_RULES = (_phones, _emails, _companies, _job_titles, _birthdays, _ages, _cities, _hometowns, _family, _budgets,
          _interests, _hobbies, _mbti)  # fmt: skip


def extract_text(text: str) -> list[Finding]:
    """Every fact ``text`` states about its writer, one finding per (field, value), in the order of the text."""
    prepared = _prepare(text or "")
    best: dict[tuple[str, str], Finding] = {}
    for rule in _RULES:
        for finding in rule(prepared):
            key = (finding.field, finding.value)
            if key not in best or best[key].confidence < finding.confidence:
                best[key] = finding
    return sorted(best.values(), key=lambda f: (f.start, f.field))
