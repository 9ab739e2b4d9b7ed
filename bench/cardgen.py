"""Synthetic Chinese business cards for the OCR benchmark (``bench/bench_ocr_cards.py``).

``generate_cards(n, seed)`` draws ``n`` cards with Pillow: a person's name, job title, company, mobile phone in
varied formats, sometimes a landline, fax, e-mail, WeChat id, website, QQ, an English name, and an address. Each
card gets a layout, a CJK font (every one ``fc-list :lang=zh`` finds, one face per file), a background, and the
photo-like conditions under test: Gaussian blur, rotation and JPEG re-compression. The result is deterministic
for a given seed and font set.

Ground truth (``CardSample.fields``), normalised the way the extractor should report the values:

- ``phone``: the card's mobile, 11 digits;
- ``landline``: ``"0755-26781234"`` (area code, hyphen, number), only on cards that print one; not scored;
- ``email``: lower-case, absent from some cards;
- ``company``: the full name as printed;
- ``job_title``: as printed (e.g. 销售总监);
- ``city``: the city of the address without 市 (e.g. 深圳).
"""

from __future__ import annotations

import functools
import io
import random
import shutil
import subprocess
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

BLURS: tuple[float, ...] = (0.0, 0.8, 1.5)
ROTATIONS: tuple[float, ...] = (0.0, 3.0, -3.0, 8.0, -8.0)
LAYOUTS: tuple[str, ...] = ("left", "logo_left", "two_column", "centered")
SIZES: tuple[tuple[int, int], ...] = ((900, 540), (1200, 720))
JPEG_SHARE = 0.3
JPEG_QUALITY = 60

RGB = tuple[int, int, int]

# --- fonts ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardFont:
    """One face of a CJK font file (``index`` picks the face inside a .ttc collection)."""

    name: str
    path: str
    index: int


def _face_rank(family: str) -> int:
    """Lower is better: the Simplified Chinese face of a collection, never a monospaced or sharp variant."""
    if "Mono" in family or "Sharp" in family:
        return 9
    if family.endswith((" SC", " CN")):
        return 0
    if family.endswith((" JP", " KR", " TC", " HK", " TW", " TW MBE")):
        return 5
    return 1


@functools.cache
def find_cjk_fonts() -> tuple[CardFont, ...]:
    """Every CJK font file fontconfig knows (``fc-list :lang=zh``), one face each, sorted by name."""
    if shutil.which("fc-list") is None:
        return ()
    listing = subprocess.run(
        ["fc-list", ":lang=zh", "-f", "%{file}\t%{index}\t%{family[0]}\t%{style[0]}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    best: dict[str, tuple[int, CardFont]] = {}
    for row in listing.splitlines():
        parts = row.split("\t")
        if len(parts) != 4 or not parts[1].isdigit():
            continue
        path, index, family, style = parts
        name = family if style in ("Regular", "Book", "Light", "") else f"{family} {style}"
        rank = (_face_rank(family), int(index))
        if path not in best or rank < (best[path][0], best[path][1].index):
            best[path] = (rank[0], CardFont(name=name, path=path, index=int(index)))
    usable = [font for _, font in best.values() if _renders_chinese(font)]
    return tuple(sorted(usable, key=lambda font: font.name))


def _renders_chinese(font: CardFont) -> bool:
    try:
        face = ImageFont.truetype(font.path, 32, index=font.index)
    except OSError:
        return False
    return face.getlength("深圳市科技有限公司") > 100


@functools.cache
def _face(font: CardFont, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font.path, size, index=font.index)


# --- card content ------------------------------------------------------------------------------------------------

SURNAMES = {
    "王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang", "黄": "huang", "赵": "zhao",
    "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun", "马": "ma", "朱": "zhu", "胡": "hu", "郭": "guo", "何": "he",
    "高": "gao", "林": "lin", "罗": "luo", "郑": "zheng", "梁": "liang", "谢": "xie", "宋": "song", "唐": "tang",
    "许": "xu", "韩": "han", "邓": "deng", "曹": "cao", "彭": "peng", "曾": "zeng", "肖": "xiao", "田": "tian",
    "董": "dong", "潘": "pan", "蒋": "jiang", "蔡": "cai", "余": "yu", "叶": "ye", "苏": "su", "魏": "wei",
    "欧阳": "ouyang", "司马": "sima",
}  # fmt: skip
GIVEN = {
    "伟": "wei", "芳": "fang", "娜": "na", "敏": "min", "静": "jing", "丽": "li", "强": "qiang", "磊": "lei",
    "军": "jun", "洋": "yang", "勇": "yong", "艳": "yan", "杰": "jie", "涛": "tao", "明": "ming", "超": "chao",
    "霞": "xia", "平": "ping", "刚": "gang", "华": "hua", "建": "jian", "国": "guo", "文": "wen", "辉": "hui",
    "鑫": "xin", "宇": "yu", "浩": "hao", "婷": "ting", "雪": "xue", "琳": "lin", "晨": "chen", "博": "bo",
    "凯": "kai", "瑞": "rui", "佳": "jia", "欣": "xin", "怡": "yi", "晓": "xiao", "梅": "mei", "思": "si",
    "子": "zi", "俊": "jun", "峰": "feng", "志": "zhi", "海": "hai", "东": "dong", "玲": "ling", "嘉": "jia",
    "颖": "ying", "振": "zhen", "雅": "ya", "卓": "zhuo",
}  # fmt: skip
ENGLISH_NAMES = (
    "David", "Kevin", "Jason", "Tony", "Michael", "Jack", "Eric", "Leo", "Alan", "Peter", "Lily", "Grace", "Amy",
    "Cindy", "Vivian", "Helen", "Linda", "Sophia", "Cathy", "Jenny",
)  # fmt: skip

TITLES = {
    "销售总监": "Sales Director", "客户经理": "Account Manager", "理财顾问": "Financial Advisor",
    "产品经理": "Product Manager", "总经理": "General Manager", "副总经理": "Deputy General Manager",
    "市场部经理": "Marketing Manager", "高级销售经理": "Senior Sales Manager", "技术总监": "CTO",
    "区域经理": "Regional Manager", "业务经理": "Business Manager", "大客户经理": "Key Account Manager",
    "运营总监": "Operations Director", "项目经理": "Project Manager", "财务总监": "CFO",
    "销售代表": "Sales Representative", "高级理财经理": "Senior Wealth Manager", "保险规划师": "Insurance Planner",
    "董事长": "Chairman", "商务经理": "Business Development Manager",
}  # fmt: skip
DEPARTMENTS = ("华南大区", "市场部", "销售中心", "个人金融部", "大客户部", "渠道发展部", "财富管理中心")

# city -> (pinyin, province or "" for a municipality, area code, districts)
CITIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "深圳": ("shenzhen", "广东省", "0755", ("南山区", "福田区", "龙岗区", "宝安区", "罗湖区")),
    "广州": ("guangzhou", "广东省", "020", ("天河区", "越秀区", "海珠区", "番禺区")),
    "东莞": ("dongguan", "广东省", "0769", ("南城街道", "松山湖高新区", "长安镇")),
    "佛山": ("foshan", "广东省", "0757", ("禅城区", "南海区", "顺德区")),
    "北京": ("beijing", "", "010", ("朝阳区", "海淀区", "东城区", "丰台区")),
    "上海": ("shanghai", "", "021", ("浦东新区", "徐汇区", "静安区", "闵行区")),
    "天津": ("tianjin", "", "022", ("和平区", "河西区", "滨海新区")),
    "重庆": ("chongqing", "", "023", ("渝中区", "江北区", "渝北区")),
    "杭州": ("hangzhou", "浙江省", "0571", ("西湖区", "滨江区", "余杭区")),
    "宁波": ("ningbo", "浙江省", "0574", ("鄞州区", "海曙区")),
    "南京": ("nanjing", "江苏省", "025", ("鼓楼区", "建邺区", "江宁区")),
    "苏州": ("suzhou", "江苏省", "0512", ("工业园区", "姑苏区", "吴中区")),
    "成都": ("chengdu", "四川省", "028", ("高新区", "锦江区", "武侯区")),
    "武汉": ("wuhan", "湖北省", "027", ("江汉区", "洪山区", "武昌区")),
    "西安": ("xian", "陕西省", "029", ("雁塔区", "碑林区", "未央区")),
    "长沙": ("changsha", "湖南省", "0731", ("岳麓区", "芙蓉区", "天心区")),
    "厦门": ("xiamen", "福建省", "0592", ("思明区", "湖里区")),
    "青岛": ("qingdao", "山东省", "0532", ("市南区", "崂山区")),
    "合肥": ("hefei", "安徽省", "0551", ("蜀山区", "包河区")),
    "郑州": ("zhengzhou", "河南省", "0371", ("金水区", "郑东新区")),
}
ROADS = (
    "科技南十二路", "深南大道", "建设路", "人民路", "中山路", "解放路", "文化路", "高新大道", "金融街", "滨河大道",
    "创业路", "新华路", "学府路", "长江路", "和平路", "工业大道", "高新南七道", "天府大道", "世纪大道", "软件园路",
)  # fmt: skip
BUILDINGS = ("大厦", "中心", "广场", "科技园", "国际大厦", "金融中心")

# brand word -> pinyin syllables
BRAND_WORDS = {
    "腾达": "teng da", "华信": "hua xin", "鼎盛": "ding sheng", "恒通": "heng tong", "宏远": "hong yuan",
    "瑞丰": "rui feng", "嘉禾": "jia he", "中科": "zhong ke", "天合": "tian he", "博远": "bo yuan",
    "新锐": "xin rui", "金桥": "jin qiao", "远航": "yuan hang", "启明": "qi ming", "星辰": "xing chen",
    "汇通": "hui tong", "安联": "an lian", "正邦": "zheng bang", "德诚": "de cheng", "聚源": "ju yuan",
    "海纳": "hai na", "云帆": "yun fan",
}  # fmt: skip
# industry -> (word for domains, English name, pinyin initials)
INDUSTRIES = {
    "科技": ("tech", "Technology", "kj"), "信息技术": ("it", "Information Technology", "xxjs"),
    "电子": ("elec", "Electronics", "dz"), "贸易": ("trading", "Trading", "my"), "实业": ("group", "Industrial", "sy"),
    "投资": ("invest", "Investment", "tz"), "物流": ("logistics", "Logistics", "wl"),
    "建筑工程": ("build", "Construction Engineering", "jzgc"), "文化传媒": ("media", "Culture Media", "whcm"),
    "医疗器械": ("medical", "Medical Devices", "ylqx"), "新能源": ("energy", "New Energy", "xny"),
    "网络科技": ("net", "Network Technology", "wlkj"), "供应链管理": ("scm", "Supply Chain Management", "gyl"),
    "智能装备": ("smart", "Intelligent Equipment", "znzb"), "生物科技": ("bio", "Biotechnology", "swkj"),
}  # fmt: skip
# well-known-style financial institutions: (name template with {city}, domain, brand shown in the logo)
INSTITUTIONS = (
    ("招商银行股份有限公司{city}分行", "cmbchina.com", "招商银行"),
    ("平安保险股份有限公司{city}分公司", "pingan.com.cn", "平安"),
    ("华夏鑫盛银行股份有限公司{city}分行", "hxxsbank.com.cn", "鑫盛银行"),
    ("安泰人寿保险股份有限公司{city}分公司", "antailife.com", "安泰人寿"),
    ("中信达证券股份有限公司{city}营业部", "zxdsec.com.cn", "中信达证券"),
    ("国泰民安财产保险股份有限公司{city}中心支公司", "gtma-insurance.cn", "国泰民安"),
    ("浦华商业银行{city}分行", "puhuabank.com", "浦华银行"),
)
FINANCE_TITLES = ("客户经理", "理财顾问", "高级理财经理", "保险规划师", "大客户经理", "区域经理", "业务经理")
GENERAL_TITLES = tuple(title for title in TITLES if title not in ("理财顾问", "高级理财经理", "保险规划师"))
FREE_MAIL = ("163.com", "126.com", "qq.com", "sina.com")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
    "158", "159", "166", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189", "198", "199",
)  # fmt: skip


@dataclass
class Company:
    name: str
    name_en: str
    domain: str
    brand: str
    finance: bool


@dataclass
class Person:
    name: str
    pinyin: tuple[str, str]  # surname, given name
    english: str  # English first name or ""
    title: str


@dataclass
class CardContent:
    """What one card prints, as strings ready to draw, and its ground truth."""

    person: Person
    company: Company
    city: str
    department: str
    contacts: list[tuple[str, str]]  # (label, value) in printing order; label may be ""
    address_label: str
    address: tuple[str, str]  # up to the street number, the rest
    english_line: str
    fields: dict[str, str] = field(default_factory=dict)


def _person(rng: random.Random, finance: bool) -> Person:
    surname = rng.choice(list(SURNAMES))
    given = "".join(rng.choice(list(GIVEN)) for _ in range(rng.choice((1, 2, 2))))
    title = rng.choice(FINANCE_TITLES if finance and rng.random() < 0.8 else GENERAL_TITLES)
    english = rng.choice(ENGLISH_NAMES) if rng.random() < 0.35 else ""
    return Person(surname + given, (SURNAMES[surname], "".join(GIVEN[c] for c in given)), english, title)


def _company(rng: random.Random, city: str) -> Company:
    city_py = CITIES[city][0]
    if rng.random() < 0.2:
        template, domain, brand = rng.choice(INSTITUTIONS)
        return Company(template.format(city=city), "", domain, brand, True)
    word = rng.choice(list(BRAND_WORDS))
    industry = rng.choice(list(INDUSTRIES))
    syllables = BRAND_WORDS[word].split()
    word_py, initials = "".join(syllables), "".join(s[0] for s in syllables)
    industry_word, industry_en, industry_abbr = INDUSTRIES[industry]
    style = rng.random()
    if style < 0.6:
        name = f"{city}市{word}{industry}有限公司"
    elif style < 0.75:
        name = f"{city}{word}{industry}股份有限公司"
    elif style < 0.9:
        name = f"{word}{industry}集团有限公司"
    else:
        name = f"{word}{industry}（{city}）有限公司"
    domain = rng.choice(
        (
            f"{word_py}.com",
            f"{word_py}-{industry_word}.com",
            f"{initials}{industry_abbr}.com.cn",
            f"{word_py}{industry_word}.cn",
            f"{city_py[:2]}{word_py}.com.cn",
        )
    )
    name_en = f"{city_py.title()} {word_py.title()} {industry_en} Co., Ltd."
    return Company(name, name_en, domain, word, False)


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _format_mobile(rng: random.Random, digits: str) -> str:
    a, b, c = digits[:3], digits[3:7], digits[7:]
    return rng.choice(
        (f"{a} {b} {c}", f"{a}-{b}-{c}", f"+86 {digits}", f"+86 {a} {b} {c}", digits, f"(+86) {a}-{b}-{c}")
    )


def _landline(rng: random.Random, city: str) -> tuple[str, str]:
    """(printed, normalised) landline of the city."""
    area = CITIES[city][2]
    number = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(7))
    printed = rng.choice(
        (
            f"{area}-{number[:4]} {number[4:]}",
            f"{area}-{number}",
            f"({area}) {number[:4]} {number[4:]}",
            f"+86 {area[1:]} {number[:4]} {number[4:]}",
            f"{area} {number[:4]} {number[4:]}",
        )
    )
    return printed, f"{area}-{number}"


def _email(rng: random.Random, person: Person, company: Company) -> str:
    surname, given = person.pinyin
    locals_ = [f"{surname}.{given}", f"{surname}{given}", f"{given}.{surname}", f"{surname[0]}{given}"]
    if person.english:
        locals_ += [f"{person.english.lower()}.{surname}", f"{person.english.lower()}{surname[0]}"]
    local = rng.choice(locals_)
    domain = company.domain
    if rng.random() < 0.1:
        local, domain = f"{surname}{given}{rng.randint(70, 99)}", rng.choice(FREE_MAIL)
    return f"{local}@{domain}"


def _address(rng: random.Random, city: str) -> tuple[str, str]:
    _, province, _, districts = CITIES[city]
    prefix = province if province and rng.random() < 0.3 else ""
    building = f"{rng.choice(list(BRAND_WORDS))}{rng.choice(BUILDINGS)}"
    tower = rng.choice(("", "A座", "B座", f"{rng.randint(1, 12)}栋"))
    room = f"{rng.randint(3, 38)}{rng.randint(1, 20):02d}" + rng.choice(("室", "", ""))
    street = f"{prefix}{city}市{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
    return street, f"{building}{tower}{room}"


def _card_content(rng: random.Random) -> CardContent:
    city = rng.choice(list(CITIES))
    company = _company(rng, city)
    person = _person(rng, company.finance)
    mobile = _mobile(rng)
    fields = {"phone": mobile, "company": company.name, "job_title": person.title, "city": city}
    contacts: list[tuple[str, str]] = []
    landline = _landline(rng, city) if rng.random() < 0.35 else None
    mobile_labels = ("手机：", "手机 ", "Mobile: ", "M: ", "移动电话：") + (() if landline else ("Tel: ", "电话："))
    mobile_line = _format_mobile(rng, mobile)
    if rng.random() < 0.15:
        mobile_line += "（微信同号）"
    contacts.append((rng.choice(mobile_labels), mobile_line))
    if landline:
        contacts.append((rng.choice(("电话：", "座机：", "Tel: ", "T: ")), landline[0]))
        fields["landline"] = landline[1]
        if rng.random() < 0.3:
            fax = landline[1][:-1] + str((int(landline[1][-1]) + 1) % 10)
            contacts.append((rng.choice(("传真：", "Fax: ", "F: ")), fax))
    if rng.random() < 0.92:
        email = _email(rng, person, company)
        fields["email"] = email
        printed = email if rng.random() < 0.85 else email.split("@")[0].title() + "@" + email.split("@")[1]
        contacts.append((rng.choice(("邮箱：", "E-mail: ", "Email: ", "E: ", "电子邮件：")), printed))
    if rng.random() < 0.3:
        wechat = rng.choice((f"{person.pinyin[0]}{person.pinyin[1]}_{rng.randint(1, 99)}", f"wx{mobile}"))
        contacts.append((rng.choice(("微信：", "WeChat: ")), wechat))
    if rng.random() < 0.1:
        contacts.append(("QQ：", str(rng.randint(10_000_000, 2_999_999_999))))
    if rng.random() < 0.35 and company.domain:
        contacts.append((rng.choice(("网址：", "Web: ", "")), rng.choice(("www.", "http://www.")) + company.domain))
    address = _address(rng, city)
    english_line = ""
    if person.english or rng.random() < 0.2:
        english_name = f"{person.english or person.pinyin[1].title()} {person.pinyin[0].title()}"
        english_line = f"{english_name} | {TITLES[person.title]}" if rng.random() < 0.5 else english_name
    department = rng.choice(DEPARTMENTS) if rng.random() < 0.25 else ""
    address_label = rng.choice(("地址：", "地址 ", "Add: ", ""))
    return CardContent(person, company, city, department, contacts, address_label, address, english_line, fields)


# --- drawing primitives ------------------------------------------------------------------------------------------


@dataclass
class Span:
    text: str
    size: float  # pixel size on a 900-pixel-wide card
    color: RGB


@dataclass
class Line:
    spans: list[Span]
    gap_before: float = 0.0  # extra space above, as a share of this line's size
    icon: RGB | None = None  # a small coloured marker drawn before the text
    indent: float = 0.0  # left indent, as a share of this line's size


@dataclass
class Block:
    lines: list[Line]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as shares of the card
    align: str = "left"  # left, center, right
    valign: str = "top"  # top, center, bottom


LINE_SPACING = 0.42  # space between lines, as a share of the line's size
ICON_SPACE = 1.3  # icon + gap width, as a share of the line's size


def _line_height(line: Line) -> float:
    return max(span.size for span in line.spans)


@dataclass
class Canvas:
    """A card being drawn: sizes in blocks are given for a 900-pixel-wide card and scaled to ``width``."""

    draw: ImageDraw.ImageDraw
    font: CardFont
    width: int
    height: int

    def face(self, size: float) -> ImageFont.FreeTypeFont:
        return _face(self.font, max(6, round(size)))

    def line_width(self, line: Line, scale: float) -> float:
        width = sum(self.face(span.size * scale).getlength(span.text) for span in line.spans)
        extra = (ICON_SPACE if line.icon else 0.0) + line.indent
        return width + extra * _line_height(line) * scale

    def fit(self, block: Block) -> float:
        """The factor (≤ 1) by which the block's sizes shrink so that every line fits its box."""
        x0, y0, x1, y1 = block.box
        box_w, box_h = (x1 - x0) * self.width, (y1 - y0) * self.height
        base = self.width / 900
        factor = 1.0
        for line in block.lines:
            line_w = self.line_width(line, base)
            if line_w > box_w:
                factor = min(factor, box_w / line_w * 0.98)
        total = _block_height(block.lines)
        if total * base * factor > box_h:
            factor = box_h / (total * base)
        return factor

    def block(self, block: Block) -> None:
        scale = self.width / 900 * self.fit(block)
        x0, x1 = block.box[0] * self.width, block.box[2] * self.width
        y0, y1 = block.box[1] * self.height, block.box[3] * self.height
        total = _block_height(block.lines) * scale
        y = {"top": y0, "center": (y0 + y1 - total) / 2, "bottom": y1 - total}[block.valign]
        for line in block.lines:
            line_h = _line_height(line) * scale
            y += line.gap_before * line_h
            line_w = self.line_width(line, scale)
            x = {"left": x0, "center": (x0 + x1 - line_w) / 2, "right": x1 - line_w}[block.align]
            self._line(line, x + line.indent * line_h, y + line_h * 0.88, line_h, scale)
            y += line_h * (1 + LINE_SPACING)

    def _line(self, line: Line, x: float, baseline: float, line_h: float, scale: float) -> None:
        if line.icon:
            r = line_h * 0.32
            cx, cy = x + r, baseline - line_h * 0.36
            self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=line.icon)
            x += ICON_SPACE * line_h
        for span in line.spans:
            face = self.face(span.size * scale)
            self.draw.text((x, baseline), span.text, font=face, fill=span.color, anchor="ls")
            x += face.getlength(span.text)

    def rule(self, x0: float, y0: float, x1: float, y1: float, color: RGB, thickness: float = 2.0) -> None:
        """A straight line between points given as shares of the card."""
        points = (x0 * self.width, y0 * self.height, x1 * self.width, y1 * self.height)
        self.draw.line(points, fill=color, width=max(2, round(thickness * self.width / 900)))

    def logo(self, box: tuple[float, float, float, float], text: str, style: Style) -> None:
        """A coloured block (rounded square or disc) with the brand in white, centred in ``box`` (shares)."""
        x0, y0, x1, y1 = box[0] * self.width, box[1] * self.height, box[2] * self.width, box[3] * self.height
        side = min(x1 - x0, y1 - y0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        shape = (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
        if style.round_logo:
            self.draw.ellipse(shape, fill=style.accent)
        else:
            self.draw.rounded_rectangle(shape, radius=side * 0.18, fill=style.accent)
        label = text[:2]
        size = side * 0.36
        while self.face(size).getlength(label) > side * 0.8 and size > 8:
            size -= 2
        self.draw.text((cx, cy), label, font=self.face(size), fill=(255, 255, 255), anchor="mm")


def _block_height(lines: list[Line]) -> float:
    """Height of stacked lines in size units (before scaling)."""
    heights = [_line_height(line) for line in lines]
    return sum(h * (1 + line.gap_before) for h, line in zip(heights, lines, strict=True)) + LINE_SPACING * sum(
        heights[:-1]
    )


# --- styles and layouts ------------------------------------------------------------------------------------------

ACCENTS: tuple[RGB, ...] = ((31, 78, 121), (139, 26, 26), (0, 105, 92), (184, 98, 20), (74, 44, 120), (200, 16, 46))
BACKGROUNDS: tuple[RGB, ...] = ((255, 255, 255), (250, 248, 240), (244, 246, 248), (236, 243, 250), (250, 243, 235))
INK: RGB = (34, 34, 34)
GREY: RGB = (105, 105, 105)
WHITE: RGB = (255, 255, 255)


@dataclass
class Style:
    accent: RGB
    ink: RGB  # name and company
    text: RGB  # contact values
    label: RGB
    icons: bool  # icons instead of text labels on contact lines
    round_logo: bool


def _style(rng: random.Random) -> Style:
    accent = rng.choice(ACCENTS)
    coloured = rng.random() < 0.35
    return Style(
        accent=accent,
        ink=accent if coloured else INK,
        text=INK if rng.random() < 0.8 else (60, 60, 90),
        label=GREY if rng.random() < 0.6 else accent,
        icons=rng.random() < 0.2,
        round_logo=rng.random() < 0.5,
    )


def _text_units(text: str) -> float:
    """Approximate printed width in CJK character widths."""
    return sum(1.0 if ord(char) > 0x2E7F else 0.55 for char in text)


def _address_lines(content: CardContent, style: Style, size: float, icon: bool, wrap: float) -> list[Line]:
    """The address on one line, or on two (broken after the street number) when it is wider than ``wrap``."""
    label = "" if icon else content.address_label
    first, second = content.address
    lines = []
    if _text_units(label + first + second) <= wrap:
        lines.append(Line([Span(label, size, style.label), Span(first + second, size, style.text)]))
    else:
        lines.append(Line([Span(label, size, style.label), Span(first, size, style.text)]))
        indent = _text_units(label) + (ICON_SPACE if icon else 0.0)
        lines.append(Line([Span(second, size, style.text)], indent=indent))
    if icon:
        lines[0].icon = style.accent
    return lines


def _contact_lines(content: CardContent, style: Style, size: float, with_icons: bool, wrap: float) -> list[Line]:
    icons = with_icons and style.icons
    lines = []
    for label, value in content.contacts:
        if icons and label:
            lines.append(Line([Span(value, size, style.text)], icon=style.accent))
        else:
            lines.append(Line([Span(label, size, style.label), Span(value, size, style.text)]))
    return lines + _address_lines(content, style, size, icons, wrap)


def _name_lines(content: CardContent, style: Style, name_size: float, inline_title: bool) -> list[Line]:
    person = content.person
    if inline_title:
        lines = [Line([Span(person.name, name_size, style.ink), Span("   " + person.title, name_size * 0.5, GREY)])]
    else:
        lines = [Line([Span(person.name, name_size, style.ink)])]
        if content.department:
            lines.append(Line([Span(content.department, name_size * 0.45, GREY)], gap_before=0.1))
        lines.append(Line([Span(person.title, name_size * 0.5, style.text)]))
    if content.english_line:
        lines.append(Line([Span(content.english_line, name_size * 0.4, GREY)]))
    return lines


def _company_lines(content: CardContent, size: float, color: RGB, english: RGB | None) -> list[Line]:
    lines = [Line([Span(content.company.name, size, color)])]
    if english and content.company.name_en:
        lines.append(Line([Span(content.company.name_en, size * 0.5, english)]))
    return lines


def _layout_left(canvas: Canvas, content: CardContent, style: Style, rng: random.Random) -> None:
    english = GREY if rng.random() < 0.5 else None
    canvas.block(Block(_company_lines(content, 30, style.ink, english), (0.07, 0.07, 0.93, 0.22)))
    canvas.rule(0.07, 0.245, 0.93, 0.245, style.accent, 3)
    canvas.block(Block(_name_lines(content, style, 52, rng.random() < 0.5), (0.07, 0.29, 0.93, 0.52)))
    contacts = _contact_lines(content, style, 22, True, wrap=30)
    canvas.block(Block(contacts, (0.07, 0.56, 0.93, 0.94), valign="bottom"))


def _layout_logo_left(canvas: Canvas, content: CardContent, style: Style, rng: random.Random) -> None:
    canvas.logo((0.05, 0.12, 0.30, 0.58), content.company.brand, style)
    canvas.rule(0.335, 0.1, 0.335, 0.9, (200, 200, 200))
    lines = _company_lines(content, 26, style.ink, None) + _name_lines(content, style, 46, rng.random() < 0.4)
    lines[1].gap_before = 0.3
    canvas.block(Block(lines, (0.37, 0.07, 0.95, 0.45)))
    contacts = _contact_lines(content, style, 21, True, wrap=22)
    canvas.block(Block(contacts, (0.37, 0.49, 0.95, 0.94), valign="center"))


def _layout_two_column(canvas: Canvas, content: CardContent, style: Style, rng: random.Random) -> None:
    band = rng.random() < 0.6
    if band:
        canvas.draw.rectangle((0, 0, canvas.width, 0.22 * canvas.height), fill=style.accent)
    english = ((235, 235, 235) if band else GREY) if rng.random() < 0.5 else None
    header = _company_lines(content, 30, WHITE if band else style.ink, english)
    canvas.block(Block(header, (0.06, 0.03, 0.94, 0.19), valign="center"))
    canvas.block(Block(_name_lines(content, style, 48, False), (0.06, 0.30, 0.38, 0.90), valign="center"))
    canvas.rule(0.41, 0.32, 0.41, 0.9, style.accent)
    contacts = _contact_lines(content, style, 20, True, wrap=22)
    canvas.block(Block(contacts, (0.44, 0.28, 0.96, 0.94), valign="center"))


def _layout_centered(canvas: Canvas, content: CardContent, style: Style, rng: random.Random) -> None:
    canvas.logo((0.44, 0.04, 0.56, 0.19), content.company.brand, style)
    lines = _company_lines(content, 26, style.ink, None) + _name_lines(content, style, 50, False)
    lines[1].gap_before = 0.35
    contacts = _contact_lines(content, style, 20, False, wrap=34)
    contacts[0].gap_before = 0.6
    canvas.block(Block(lines + contacts, (0.06, 0.22, 0.94, 0.96), "center", "center"))


LAYOUT_DRAWERS = {
    "left": _layout_left,
    "logo_left": _layout_logo_left,
    "two_column": _layout_two_column,
    "centered": _layout_centered,
}


# --- background and photo conditions -----------------------------------------------------------------------------


def _background(rng: random.Random, width: int, height: int) -> Image.Image:
    base = np.array(rng.choice(BACKGROUNDS), dtype=np.float32)
    image = np.broadcast_to(base, (height, width, 3)).copy()
    texture = rng.choice(("plain", "plain", "noise", "gradient", "lines", "paper"))
    noise_rng = np.random.default_rng(rng.randrange(2**32))
    if texture == "noise":
        image += noise_rng.normal(0, 4, (height, width, 1))
    elif texture == "gradient":
        image -= np.linspace(0, 14, width, dtype=np.float32)[None, :, None]
    elif texture == "lines":
        yy, xx = np.mgrid[0:height, 0:width]
        image -= (((xx + yy) % 24) < 2)[..., None] * 10.0
    elif texture == "paper":
        grain = noise_rng.normal(0, 6, (height // 6 + 1, width // 6 + 1)).astype(np.float32)
        blurred = Image.fromarray(grain).resize((width, height), Image.Resampling.BICUBIC)
        image += np.asarray(blurred)[..., None]
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), "RGB")


def _photo_conditions(card: Image.Image, blur: float, rotation: float, jpeg: bool) -> bytes:
    if rotation:
        card = card.rotate(rotation, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    if blur:
        card = card.filter(ImageFilter.GaussianBlur(blur))
    if jpeg:
        buffer = io.BytesIO()
        card.save(buffer, "JPEG", quality=JPEG_QUALITY)
        card = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    out = io.BytesIO()
    card.save(out, "PNG")
    return out.getvalue()


# --- public API --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSample:
    image: bytes  # PNG
    fields: dict[str, str]  # ground truth, normalised (see the module docstring)
    font: str
    blur: float
    rotation: float
    layout: str
    jpeg: bool = False
    size: tuple[int, int] = (900, 540)


def render_card(
    content: CardContent, font: CardFont, layout: str, size: tuple[int, int], rng: random.Random
) -> Image.Image:
    """Draw one card without photo conditions."""
    width, height = size
    card = _background(rng, width, height)
    LAYOUT_DRAWERS[layout](Canvas(ImageDraw.Draw(card), font, width, height), content, _style(rng), rng)
    return card


def generate_cards(n: int, seed: int) -> list[CardSample]:
    """``n`` cards; fonts and layouts rotate so that each gets an even share, the other conditions are drawn."""
    fonts = find_cjk_fonts()
    if not fonts:
        raise RuntimeError("no CJK font found (fc-list :lang=zh); install fonts-noto-cjk or fonts-wqy-zenhei")
    rng = random.Random(seed)
    samples = []
    for i in range(n):
        font = fonts[i % len(fonts)]
        layout = LAYOUTS[(i // len(fonts) + i) % len(LAYOUTS)]
        size = rng.choice(SIZES)
        blur, rotation, jpeg = rng.choice(BLURS), rng.choice(ROTATIONS), rng.random() < JPEG_SHARE
        content = _card_content(rng)
        card = render_card(content, font, layout, size, rng)
        image = _photo_conditions(card, blur, rotation, jpeg)
        samples.append(CardSample(image, content.fields, font.name, blur, rotation, layout, jpeg, size))
    return samples
