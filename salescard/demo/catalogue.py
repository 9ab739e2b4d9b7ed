"""The demo catalogue: product categories and products in three lines of business (SPEC S7, B4, B6).

Each category belongs to the demo company that sells its line (issue 19): home furnishing to 好家居生活馆, banking and
insurance to 招财银行 (``CATEGORY_COMPANY``); seeding creates it, its products, cases and FAQs in that organisation.

Prices mean what the line of business quotes: the retail price of furniture, the yearly premium of insurance,
the minimum deposit or purchase of bank products, the usual credit line of loans and the yearly fee of credit
cards; ``specs["price_label"]`` says which, so that a greeting can name it correctly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from crm.models import ProductCategory
from salescard.demo.companies import COMPANIES, COMPANY_OF_LINE

Line = ProductCategory.LineOfBusiness

PURCHASE_URL = "https://shop.salescard.example/p/{sku}"


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    line: str
    description: str


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    category: str  # CategorySpec.code
    name: str
    design: str
    colour: str
    size: str
    price: Decimal
    specs: dict[str, object] = field(default_factory=dict)
    description: str = ""
    is_active: bool = True

    @property
    def purchase_url(self) -> str:
        return PURCHASE_URL.format(sku=self.sku)


CATEGORIES = (
    CategorySpec("sofa", "沙发", Line.HOME, "布艺、真皮与模块沙发，客厅的核心家具。"),
    CategorySpec("bed", "床", Line.HOME, "实木床、软包床与儿童床。"),
    CategorySpec("dining-table", "餐桌", Line.HOME, "岩板、实木餐桌，可伸缩与带转盘款。"),
    CategorySpec("wardrobe", "衣柜", Line.HOME, "全屋定制与成品衣柜。"),
    CategorySpec("lighting", "灯具", Line.HOME, "吊灯、无主灯智能照明与阅读灯。"),
    CategorySpec("critical-illness", "重疾险", Line.INSURANCE, "确诊即赔付的重大疾病保险，成人与少儿款。"),
    CategorySpec("medical", "医疗险", Line.INSURANCE, "百万医疗、高端医疗与老年防癌医疗。"),
    CategorySpec("term-life", "定期寿险", Line.INSURANCE, "家庭经济支柱的身故保障。"),
    CategorySpec("annuity", "年金险", Line.INSURANCE, "养老金、教育金与增额终身寿等储蓄型保险。"),
    CategorySpec("accident", "意外险", Line.INSURANCE, "综合意外与户外运动意外保障。"),
    CategorySpec("time-deposit", "定期存款", Line.BANKING, "整存整取定期存款，受存款保险保护。"),
    CategorySpec("large-cd", "大额存单", Line.BANKING, "20万元起存，利率高于普通定期，可转让。"),
    CategorySpec("wealth", "银行理财", Line.BANKING, "现金管理、固收与固收+理财产品。"),
    CategorySpec("fund", "基金", Line.BANKING, "指数、债券、混合基金与私募基金代销。"),
    CategorySpec("loan", "房贷/消费贷", Line.BANKING, "首套房按揭、装修贷与消费贷。"),
    CategorySpec("credit-card", "信用卡", Line.BANKING, "青春卡、白金卡与联名卡。"),
)


def _p(value: str) -> Decimal:
    return Decimal(value)


# fmt: off
PRODUCTS = (
    # --- Home furnishing ------------------------------------------------------------------------------------
    ProductSpec("HF-SOFA-01", "sofa", "云朵布艺沙发", "北欧简约", "浅灰", "三人位 2.1米", _p("5999"),
                {"material": "科技布+高回弹海绵", "seats": 3, "warranty": "5年", "delivery": "15天内送装",
                 "price_label": "售价"},
                "坐感柔软如云，科技布防猫抓、易打理。"),
    ProductSpec("HF-SOFA-02", "sofa", "头层牛皮电动功能沙发", "意式极简", "焦糖棕", "四人位 3.2米", _p("15800"),
                {"material": "头层黄牛皮", "features": "双电动躺位、USB充电", "warranty": "8年", "price_label": "售价"},
                "一键躺平，追剧午休两相宜。"),
    ProductSpec("HF-SOFA-03", "sofa", "奶油风模块沙发", "奶油风", "米白", "转角 2.8米×1.6米", _p("8999"),
                {"material": "羊羔绒面料", "modules": 4, "removable_cover": True, "price_label": "售价"},
                "四个模块自由组合，小户型大户型都合适。"),
    ProductSpec("HF-BED-01", "bed", "黑胡桃木实木双人床", "新中式", "胡桃木色", "1.8米×2.0米", _p("9800"),
                {"material": "北美黑胡桃木", "mattress_included": False, "warranty": "10年", "price_label": "售价"},
                "榫卯结构，纹理天然，越用越有光泽。"),
    ProductSpec("HF-BED-02", "bed", "悬浮软包储物床", "现代轻奢", "雾霾蓝", "1.5米×2.0米", _p("4599"),
                {"material": "科技布软包+实木排骨架", "storage": "液压高箱储物", "price_label": "售价"},
                "床底悬浮灯带，高箱储物解决换季收纳。"),
    ProductSpec("HF-BED-03", "bed", "成长型儿童上下铺", "童趣", "原木色", "1.2米×1.9米", _p("3299"),
                {"material": "新西兰辐射松", "guard_rail": "全包护栏", "age": "3–12岁", "price_label": "售价"},
                "可拆分成两张单人床，陪孩子一起长大。"),
    ProductSpec("HF-DIN-01", "dining-table", "岩板伸缩餐桌", "意式极简", "鱼肚白", "1.4–1.8米 可伸缩", _p("4299"),
                {"material": "意大利进口岩板+碳素钢", "seats": "6–8人", "price_label": "售价"},
                "耐高温耐刮，来客人时一拉就变大。"),
    ProductSpec("HF-DIN-02", "dining-table", "白蜡木圆餐桌（带转盘）", "新中式", "樱桃木色", "直径1.5米", _p("6800"),
                {"material": "白蜡木", "seats": "8–10人", "price_label": "售价"},
                "三代同堂吃团圆饭的大圆桌。"),
    ProductSpec("HF-WAR-01", "wardrobe", "全屋定制衣柜", "现代简约", "暖白", "按投影面积定制", _p("1280"),
                {"material": "E0级多层实木板", "price_unit": "元/平方米（投影面积）", "install": "免费上门量尺",
                 "price_label": "每平方米价格"},
                "上门量尺、免费设计，三周安装。"),
    ProductSpec("HF-WAR-02", "wardrobe", "极简玻璃门衣柜", "极简轻奢", "茶色玻璃+深灰", "2.4米×2.4米", _p("12600"),
                {"material": "铝框长虹玻璃门+颗粒板", "lighting": "人体感应灯带", "price_label": "售价"},
                "通透展示，开门即亮灯。"),
    ProductSpec("HF-LGT-01", "lighting", "无主灯智能照明套装", "无主灯设计", "3000K暖光", "三室两厅", _p("3680"),
                {"control": "米家/HomeKit", "items": "筒灯12个+射灯6个+磁吸轨道2米", "price_label": "售价"},
                "手机一键切换观影、会客、阅读场景。"),
    ProductSpec("HF-LGT-02", "lighting", "法式水晶吊灯", "法式复古", "香槟金", "直径80厘米", _p("2899"),
                {"material": "K9水晶+全铜", "bulbs": "E14×12", "price_label": "售价"},
                "挑高客厅的点睛之笔。"),
    ProductSpec("HF-LGT-03", "lighting", "护眼落地阅读灯", "北欧简约", "奶白", "高1.6米", _p("699"),
                {"cri": "Ra≥97", "flicker": "无频闪", "price_label": "售价"},
                "全光谱护眼，孩子写作业也适合。", is_active=False),
    # --- Insurance ------------------------------------------------------------------------------------------
    ProductSpec("IN-CI-01", "critical-illness", "康宁终身重疾险", "终身保障", "", "保障终身", _p("8600"),
                {"sum_insured": "50万元", "payment_term": "20年", "coverage": "120种重疾+20种中症+40种轻症",
                 "waiting_period": "90天", "price_label": "年缴保费（30岁，保额50万）"},
                "确诊即赔，终身保障。"),
    ProductSpec("IN-CI-02", "critical-illness", "小哪吒少儿重疾险", "少儿专属", "", "保障至30岁", _p("680"),
                {"sum_insured": "50万元", "payment_term": "10年", "coverage": "少儿特定疾病额外赔付100%",
                 "waiting_period": "90天", "price_label": "年缴保费（5岁，保额50万）"},
                "孩子的第一份保障。"),
    ProductSpec("IN-CI-03", "critical-illness", "安心多倍保重疾险", "多次赔付", "", "保障至70岁", _p("6200"),
                {"sum_insured": "40万元", "payment_term": "30年", "coverage": "重疾最多赔付3次，癌症二次赔",
                 "waiting_period": "180天", "price_label": "年缴保费（35岁，保额40万）"},
                "癌症复发也能再赔。"),
    ProductSpec("IN-MED-01", "medical", "e生无忧百万医疗险", "百万医疗", "", "保障1年", _p("299"),
                {"sum_insured": "600万元", "deductible": "1万元", "renewal": "保证续保20年",
                 "price_label": "年缴保费（30岁）"},
                "住院自费药、进口药都能报。"),
    ProductSpec("IN-MED-02", "medical", "全球尊享高端医疗险", "高端医疗", "", "保障1年", _p("18800"),
                {"sum_insured": "2000万元", "hospitals": "含私立医院及公立特需部", "direct_billing": True,
                 "price_label": "年缴保费（40岁）"},
                "全球就医，直付免垫付。"),
    ProductSpec("IN-MED-03", "medical", "银龄防癌医疗险", "老年防癌", "", "保障1年", _p("1099"),
                {"sum_insured": "200万元", "entry_age": "50–80岁", "price_label": "年缴保费（60岁）"},
                "父母也能买的防癌医疗。"),
    ProductSpec("IN-TL-01", "term-life", "守护定期寿险", "纯保障", "", "保障至60岁", _p("1580"),
                {"sum_insured": "100万元", "payment_term": "30年", "health_notice": "宽松健康告知",
                 "price_label": "年缴保费（30岁男，保额100万）"},
                "用小保费撬动高保额。"),
    ProductSpec("IN-TL-02", "term-life", "家庭支柱定期寿险", "纯保障", "", "保障至70岁", _p("2680"),
                {"sum_insured": "200万元", "payment_term": "20年", "price_label": "年缴保费（35岁男，保额200万）"},
                "房贷还完之前，家人有依靠。"),
    ProductSpec("IN-ANN-01", "annuity", "金福养老年金险", "养老年金", "", "60岁起领，领至85岁", _p("50000"),
                {"payment_term": "10年", "payout": "每年领取，保证领取20年", "price_label": "年缴保费"},
                "退休后每年多一份稳定现金流。"),
    ProductSpec("IN-ANN-02", "annuity", "鑫享教育年金", "教育金", "", "18岁起领，领至25岁", _p("20000"),
                {"payment_term": "5年", "payout": "大学四年每年领取，25岁领满期金", "price_label": "年缴保费"},
                "为孩子的大学学费提前锁定。"),
    ProductSpec("IN-ANN-03", "annuity", "传家增额终身寿险", "储蓄型", "", "保障终身", _p("100000"),
                {"guaranteed_growth": "保额3.0%复利递增", "payment_term": "3年", "price_label": "年缴保费"},
                "保额逐年增长，可减保取现。"),
    ProductSpec("IN-ACC-01", "accident", "综合意外险", "综合意外", "", "保障1年", _p("199"),
                {"sum_insured": "100万元", "medical": "意外医疗5万元，0免赔", "price_label": "年缴保费"},
                "上下班通勤、出差旅游都覆盖。"),
    ProductSpec("IN-ACC-02", "accident", "户外运动意外险", "运动专属", "", "保障1年", _p("158"),
                {"sum_insured": "50万元", "covers": "登山、骑行、滑雪、潜水", "rescue": "含紧急救援",
                 "price_label": "年缴保费"},
                "爱运动的人更需要。"),
    # --- Bank wealth, deposits and loans --------------------------------------------------------------------
    ProductSpec("BK-TD-01", "time-deposit", "整存整取定期存款（3年）", "整存整取", "", "3年期", _p("50"),
                {"annual_rate": "1.75%", "risk_level": "R1", "deposit_insurance": True, "price_label": "起存金额"},
                "保本保息，受存款保险保护。"),
    ProductSpec("BK-TD-02", "time-deposit", "整存整取定期存款（1年）", "整存整取", "", "1年期", _p("50"),
                {"annual_rate": "1.35%", "risk_level": "R1", "deposit_insurance": True, "price_label": "起存金额"},
                "一年一滚存，灵活又安心。"),
    ProductSpec("BK-CD-01", "large-cd", "3年期大额存单", "可转让大额存单", "", "3年期", _p("200000"),
                {"annual_rate": "2.15%", "risk_level": "R1", "transferable": True, "price_label": "起存金额"},
                "利率高于普通定期，可转让。"),
    ProductSpec("BK-CD-02", "large-cd", "1年期大额存单", "可转让大额存单", "", "1年期", _p("200000"),
                {"annual_rate": "1.55%", "risk_level": "R1", "transferable": True, "price_label": "起存金额"},
                "短期闲钱的稳妥去处。"),
    ProductSpec("BK-WM-01", "wealth", "稳享90天持有期理财", "固收类", "", "90天持有期", _p("10000"),
                {"expected_rate": "2.6%–3.2%", "risk_level": "R2", "price_label": "起购金额"},
                "以债券为主，波动小。"),
    ProductSpec("BK-WM-02", "wealth", "天天宝现金管理理财", "现金管理", "", "T+0快赎", _p("1"),
                {"seven_day_yield": "1.85%", "risk_level": "R1", "price_label": "起购金额"},
                "随用随取的零钱管家。"),
    ProductSpec("BK-WM-03", "wealth", "固收+一年持有期理财", "固收+", "", "1年持有期", _p("10000"),
                {"expected_rate": "3.0%–4.5%", "risk_level": "R3", "price_label": "起购金额"},
                "少量配置权益资产，争取更高收益。"),
    ProductSpec("BK-FD-01", "fund", "沪深300指数增强基金", "指数基金", "", "开放式", _p("10"),
                {"risk_level": "R3", "fee": "管理费0.8%/年", "price_label": "起购金额"},
                "定投首选的宽基指数。"),
    ProductSpec("BK-FD-02", "fund", "科技创新混合基金", "主动权益", "", "开放式", _p("10"),
                {"risk_level": "R4", "fee": "管理费1.2%/年", "price_label": "起购金额"},
                "聚焦半导体与人工智能。"),
    ProductSpec("BK-FD-03", "fund", "安盈纯债债券基金", "债券基金", "", "开放式", _p("10"),
                {"risk_level": "R2", "fee": "管理费0.3%/年", "price_label": "起购金额"},
                "不投股票，稳健增值。"),
    ProductSpec("BK-FD-04", "fund", "私享量化多策略私募基金", "私募基金", "", "封闭期1年", _p("1000000"),
                {"risk_level": "R5", "eligibility": "合格投资者专享", "price_label": "起购金额"},
                "量化选股+多策略对冲，仅面向合格投资者。"),
    ProductSpec("BK-LN-01", "loan", "首套房按揭贷款", "等额本息", "", "最长30年", _p("1000000"),
                {"annual_rate": "3.05%起（LPR-30BP）", "down_payment": "首付15%起", "price_label": "参考额度"},
                "首套房利率优惠，审批快。"),
    ProductSpec("BK-LN-02", "loan", "安家装修贷", "分期还款", "", "最长5年", _p("300000"),
                {"annual_rate": "2.98%起", "disbursement": "直接支付给装修公司", "price_label": "最高额度"},
                "装修款分期付，减轻一次性压力。"),
    ProductSpec("BK-LN-03", "loan", "闪电消费贷", "随借随还", "", "最长3年", _p("200000"),
                {"annual_rate": "3.2%起", "approval": "线上秒批", "price_label": "最高额度"},
                "按日计息，提前还款无违约金。"),
    ProductSpec("BK-CC-01", "credit-card", "青春版信用卡", "国潮卡面", "潮玩蓝", "标准卡", _p("0"),
                {"annual_fee": "首年免年费，刷卡6次免次年", "credit_limit": "5000–50000元",
                 "perks": "外卖、视频会员每月立减", "price_label": "年费"},
                "年轻人的第一张信用卡。"),
    ProductSpec("BK-CC-02", "credit-card", "尊享白金信用卡", "经典白金", "铂金色", "标准卡", _p("3600"),
                {"annual_fee": "3600元，积分可抵", "credit_limit": "5万–30万元", "perks": "机场贵宾厅不限次、高尔夫",
                 "price_label": "年费"},
                "商旅人士的出行好帮手。"),
    ProductSpec("BK-CC-03", "credit-card", "航空里程联名信用卡", "航空联名", "天际蓝", "标准卡", _p("600"),
                {"annual_fee": "600元", "perks": "消费累积航空里程", "price_label": "年费"},
                "已停止新办理。", is_active=False),
)
# fmt: on

CATEGORY_LINES = {category.code: category.line for category in CATEGORIES}
CATEGORY_CODES = tuple(category.code for category in CATEGORIES)
CATEGORY_COMPANY = {category.code: COMPANY_OF_LINE[category.line] for category in CATEGORIES}
COMPANY_CATEGORY_CODES = {
    key: tuple(c.code for c in CATEGORIES if CATEGORY_COMPANY[c.code] == key) for key in COMPANIES
}
PRODUCT_COMPANY = {product.sku: CATEGORY_COMPANY[product.category] for product in PRODUCTS}
