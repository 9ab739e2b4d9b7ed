"""Real Chinese cities and districts for demo residences and hometowns, with the dialect locals speak (SPEC S1, S6).

Residence weights follow where a bank-and-retail sales team in southern China would find its customers: the Pearl
River Delta first, then the other big cities.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from crm.models import Customer

Dialect = Customer.Dialect


@dataclass(frozen=True)
class City:
    name: str
    province: str  # empty for municipalities and the special administrative regions
    districts: tuple[str, ...]
    tier: int  # 1 = first-tier city … 3 = smaller city; prices and incomes follow it
    dialect: str = Dialect.NONE  # what locals grow up speaking, if it is one of the known dialects
    weight: float = 0.0  # share of demo residents; 0 = hometown only

    @property
    def label(self) -> str:
        return f"{self.province}{self.name}"

    @property
    def is_cantonese_region(self) -> bool:
        return self.province == "广东" or self.name in ("香港", "澳门")


CITIES = (
    City("深圳", "广东", ("南山区", "福田区", "宝安区", "龙岗区", "罗湖区", "龙华区"), 1, Dialect.NONE, 14),
    City("广州", "广东", ("天河区", "越秀区", "海珠区", "番禺区", "白云区", "黄埔区"), 1, Dialect.CANTONESE, 12),
    City("佛山", "广东", ("禅城区", "南海区", "顺德区"), 2, Dialect.CANTONESE, 4),
    City("东莞", "广东", ("南城街道", "东城街道", "松山湖"), 2, Dialect.CANTONESE, 4),
    City("香港", "", ("沙田区", "九龙城区", "湾仔区", "油尖旺区"), 1, Dialect.CANTONESE, 3),
    City("澳门", "", ("氹仔", "花地玛堂区"), 1, Dialect.CANTONESE, 1),
    City("上海", "", ("浦东新区", "徐汇区", "静安区", "闵行区", "长宁区"), 1, Dialect.SHANGHAINESE, 11),
    City("北京", "", ("朝阳区", "海淀区", "西城区", "丰台区", "通州区"), 1, Dialect.NONE, 9),
    City("杭州", "浙江", ("西湖区", "滨江区", "余杭区", "拱墅区"), 2, Dialect.NONE, 6),
    City("南京", "江苏", ("鼓楼区", "建邺区", "江宁区"), 2, Dialect.NONE, 3),
    City("苏州", "江苏", ("工业园区", "姑苏区", "吴中区"), 2, Dialect.NONE, 3),
    City("成都", "四川", ("高新区", "锦江区", "武侯区", "天府新区"), 2, Dialect.SICHUANESE, 6),
    City("重庆", "", ("渝中区", "江北区", "渝北区"), 2, Dialect.SICHUANESE, 3),
    City("武汉", "湖北", ("武昌区", "江汉区", "洪山区"), 2, Dialect.NONE, 4),
    City("厦门", "福建", ("思明区", "湖里区", "集美区"), 2, Dialect.HOKKIEN, 3),
    City("福州", "福建", ("鼓楼区", "台江区", "仓山区"), 2, Dialect.NONE, 2),
    City("泉州", "福建", ("丰泽区", "鲤城区", "晋江市"), 3, Dialect.HOKKIEN, 2),
    City("长沙", "湖南", ("岳麓区", "天心区", "雨花区"), 2, Dialect.NONE, 3),
    City("西安", "陕西", ("雁塔区", "未央区", "碑林区"), 2, Dialect.NONE, 2),
    City("天津", "", ("和平区", "南开区", "滨海新区"), 2, Dialect.NONE, 2),
    # Hometowns only.
    City("江门", "广东", ("蓬江区",), 3, Dialect.CANTONESE),
    City("中山", "广东", ("石岐街道",), 3, Dialect.CANTONESE),
    City("湛江", "广东", ("赤坎区",), 3, Dialect.CANTONESE),
    City("梅州", "广东", ("梅江区",), 3, Dialect.HAKKA),
    City("惠州", "广东", ("惠城区",), 3, Dialect.HAKKA),
    City("汕头", "广东", ("金平区",), 3, Dialect.HOKKIEN),
    City("潮州", "广东", ("湘桥区",), 3, Dialect.HOKKIEN),
    City("漳州", "福建", ("芗城区",), 3, Dialect.HOKKIEN),
    City("赣州", "江西", ("章贡区",), 3, Dialect.HAKKA),
    City("南宁", "广西", ("青秀区",), 3, Dialect.CANTONESE),
    City("桂林", "广西", ("秀峰区",), 3),
    City("绵阳", "四川", ("涪城区",), 3, Dialect.SICHUANESE),
    City("南充", "四川", ("顺庆区",), 3, Dialect.SICHUANESE),
    City("衡阳", "湖南", ("蒸湘区",), 3),
    City("岳阳", "湖南", ("岳阳楼区",), 3),
    City("信阳", "河南", ("浉河区",), 3),
    City("南阳", "河南", ("宛城区",), 3),
    City("周口", "河南", ("川汇区",), 3),
    City("黄冈", "湖北", ("黄州区",), 3),
    City("阜阳", "安徽", ("颍州区",), 3),
    City("合肥", "安徽", ("蜀山区",), 2),
    City("南昌", "江西", ("东湖区",), 2),
    City("温州", "浙江", ("鹿城区",), 3),
    City("宁波", "浙江", ("鄞州区",), 2),
    City("济南", "山东", ("历下区",), 2),
    City("青岛", "山东", ("市南区",), 2),
    City("哈尔滨", "黑龙江", ("南岗区",), 2),
    City("沈阳", "辽宁", ("和平区",), 2),
    City("石家庄", "河北", ("长安区",), 3),
    City("太原", "山西", ("小店区",), 3),
    City("昆明", "云南", ("五华区",), 2),
    City("贵阳", "贵州", ("南明区",), 3),
)

RESIDENCE_CITIES = tuple(city for city in CITIES if city.weight)
_RESIDENCE_WEIGHTS = tuple(city.weight for city in RESIDENCE_CITIES)


@dataclass(frozen=True)
class Place:
    city: City
    district: str

    @property
    def residence(self) -> str:
        """E.g. "广东深圳南山区" or "上海浦东新区"."""
        return f"{self.city.label}{self.district}"


def draw_residence(rng: random.Random) -> Place:
    city = rng.choices(RESIDENCE_CITIES, weights=_RESIDENCE_WEIGHTS)[0]
    return Place(city, rng.choice(city.districts))


def draw_hometown(rng: random.Random, residence: City) -> City:
    """About four in ten customers grew up where they live; the rest moved there from anywhere."""
    if rng.random() < 0.4 and residence.name not in ("香港", "澳门"):
        return residence
    if residence.name in ("香港", "澳门") and rng.random() < 0.8:
        return residence
    return rng.choice(CITIES)


def draw_language(rng: random.Random, residence: City, hometown: City) -> tuple[str, str]:
    """The preferred (language, dialect): dialects come from the hometown, Cantonese also from living in it."""
    dialect = hometown.dialect if hometown.dialect and rng.random() < 0.75 else Dialect.NONE
    if not dialect and residence.is_cantonese_region and rng.random() < 0.2:
        dialect = Dialect.CANTONESE
    if dialect == Dialect.CANTONESE:
        share_preferring_cantonese = (
            0.9 if residence.name in ("香港", "澳门") else 0.45 if residence.is_cantonese_region else 0.15
        )
        if rng.random() < share_preferring_cantonese:
            return Customer.Language.CANTONESE, dialect
    if rng.random() < 0.03:
        return Customer.Language.ENGLISH, dialect
    return Customer.Language.MANDARIN, dialect
