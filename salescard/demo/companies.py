"""The two demo companies (issue 19 item 4): 招财银行, a bank that also sells insurance (bancassurance), and
好家居生活馆, a furniture retailer. Each is an organisation with its own staff, catalogue, customers, cards and
knowledge; nothing of one is seen or recommended by the other.

Company facts are whole sentences in Mandarin and English, as the card's bot says them (issue 17 item 3); Cantonese
customers get the Mandarin text in Traditional characters. Existing rows are left as managers edited them.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.models import CompanyFact, Organisation, ProductCategory

Line = ProductCategory.LineOfBusiness
Topic = CompanyFact.Topic

BANK = "bank"
HOME = "home"


@dataclass(frozen=True)
class DemoCompany:
    key: str  # BANK or HOME: how the demo modules name the company
    name: str
    phone: str
    site_url: str
    lines: tuple[str, ...]  # the lines of business it sells
    card_company: str  # what its smart cards show under the name
    card_theme: str  # SmartCard.Theme value
    facts: dict[str, tuple[str, str]]  # topic → (Mandarin, English)
    human_only: frozenset[str] = frozenset()


COMPANIES: dict[str, DemoCompany] = {
    BANK: DemoCompany(
        key=BANK,
        name="招财银行",
        phone="95555",
        site_url="https://bank.salescard.example/",
        lines=(Line.BANKING, Line.INSURANCE),
        card_company="招财银行 · 深圳分行",
        card_theme="classic",
        facts={
            Topic.ABOUT: (
                "招财银行是一家全国性股份制商业银行，深圳分行为您提供存款、理财、基金、保险和信用卡服务；"
                "我们代理的保险由合作的寿险公司安心人寿承保，理赔全程有专人协助。",
                "Zhaocai Bank is a national joint-stock commercial bank; its Shenzhen branch offers deposits, wealth "
                "management, funds, insurance and credit cards. The insurance we sell is underwritten by our partner, "
                "the life insurer Anxin Life (安心人寿), with a person helping you through every claim.",
            ),
            Topic.ADDRESS: (
                "深圳分行在福田区深南大道 7088 号招财大厦一楼，地铁 1 号线购物公园站 B 出口步行约 5 分钟。",
                "The Shenzhen branch is on the ground floor of Zhaocai Tower, 7088 Shennan Avenue, Futian — five "
                "minutes' walk from exit B of Shopping Park station on metro line 1.",
            ),
            Topic.HOURS: (
                "网点营业时间是周一到周五 9:00–17:00，周六 9:30–16:00，周日和法定节假日休息；手机银行 24 小时可用，"
                "保险理赔报案热线 95519 也是 24 小时有人接听。",
                "The branch is open Monday to Friday 9:00–17:00 and Saturday 9:30–16:00, closed on Sundays and public "
                "holidays; mobile banking and the insurance claims line 95519 work around the clock.",
            ),
            Topic.PHONE: (
                "客服热线 95555，24 小时有人接听；保险理赔报案请拨 95519（24 小时）。"
                "您也可以直接在这里留言，我会转给理财经理。",
                "Call our service line 95555, answered around the clock; to report an insurance claim call 95519 (24 "
                "hours). Or leave a message here and I will pass it to your wealth manager.",
            ),
            Topic.PAYMENT: (
                "购买理财和基金从您在本行的借记卡直接扣款，支持手机银行、网上银行和柜台办理；保费可以用银行卡自动扣款，"
                "也可以微信或支付宝支付，支持年缴和月缴。",
                "Wealth products and funds are paid from your debit card with us, through mobile banking, online "
                "banking or at the counter; insurance premiums by bank-card direct debit, WeChat Pay or Alipay, "
                "yearly or monthly.",
            ),
            Topic.INSTALMENTS: (
                "信用卡消费可以分 3、6、12 或 24 期，每期手续费率 0.6% 起；"
                "长期保险可以选择 10 年、20 年或 30 年分期缴费，也可以按月缴（月缴），不另收手续费；"
                "理财和存款产品不能分期购买。",
                "Credit-card purchases can be split into 3, 6, 12 or 24 instalments from 0.6 % a month; long-term "
                "insurance can be paid over 10, 20 or 30 years, or monthly, with no extra fee; wealth and deposit "
                "products cannot be bought in instalments.",
            ),
            Topic.DELIVERY: (
                "信用卡审批通过后 5–7 个工作日寄到您填写的地址，理财产品在手机银行里即时查看，不需要寄送；"
                "投保成功后电子保单会立刻发到您的手机和邮箱，需要纸质保单可以免费寄送。",
                "An approved credit card arrives at your address in 5–7 working days; wealth products show in mobile "
                "banking at once, nothing is posted; once insured, the e-policy reaches your phone and e-mail at once, "
                "and a paper policy is posted free on request.",
            ),
            Topic.RETURNS: (
                "理财产品有 24 小时冷静期，冷静期内可以无条件撤销；保险保单有 15 天犹豫期，犹豫期内退保全额退还保费，"
                "之后退保按现金价值退还；到期前赎回理财按产品说明书的规则办理。",
                "Wealth products have a 24-hour cooling-off period in which you may cancel without reason; insurance "
                "policies have a 15-day cooling-off period with a full refund of the premium; redemption before "
                "maturity follows the product's prospectus.",
            ),
            Topic.AFTER_SALES: (
                "购买后您的专属理财经理会定期回访，有任何问题都可以拨打 95555 或到网点咨询；保险理赔报案拨打 95519 "
                "或在 App 上传材料，资料齐全后一般 3 个工作日内结案，顾问全程协助。",
                "After you buy, your own wealth manager checks in regularly; for anything else call 95555 or visit a "
                "branch. Report an insurance claim on 95519 or upload the papers in the app; complete claims are "
                "usually settled within 3 working days, with your adviser helping throughout.",
            ),
            Topic.SITE: (
                "官网是 https://bank.salescard.example/ ，名片上的“官网”按钮也能直接打开。",
                "Our site is https://bank.salescard.example/ — the Official site button on this card opens it.",
            ),
        },
    ),
    HOME: DemoCompany(
        key=HOME,
        name="好家居生活馆",
        phone="400-820-6688",
        site_url="https://home.salescard.example/",
        lines=(Line.HOME,),
        card_company="好家居生活馆",
        card_theme="warm",
        facts={
            Topic.ABOUT: (
                "好家居生活馆专做北欧和现代风格的沙发、床和定制柜，深圳有三家展厅，支持免费上门量尺。",
                "Haojiaju Living sells Nordic and modern sofas, beds and made-to-measure wardrobes, with three "
                "showrooms in Shenzhen and free measuring at your home.",
            ),
            Topic.ADDRESS: (
                "旗舰展厅在南山区科技园科苑路 15 号好家居广场二楼，门口有免费停车场。",
                "The flagship showroom is on the first floor of Haojiaju Plaza, 15 Keyuan Road, Nanshan, with free "
                "parking at the door.",
            ),
            Topic.HOURS: (
                "展厅每天 10:00–21:30 营业，节假日照常开门。",
                "The showrooms are open every day 10:00–21:30, holidays included.",
            ),
            Topic.PHONE: (
                "门店电话 400-820-6688（每天 9:00–22:00），也可以在这里留言，顾问会回复您。",
                "Call us on 400-820-6688 (daily 9:00–22:00), or leave a message here and your consultant will reply.",
            ),
            Topic.PAYMENT: (
                "支持微信、支付宝、银行卡和现金，下单付 30% 定金，送货安装后付尾款。",
                "We take WeChat Pay, Alipay, bank cards and cash: a 30 % deposit with the order, the rest after "
                "delivery and installation.",
            ),
            Topic.INSTALMENTS: (
                "满 3000 元可以用信用卡或花呗分 3、6、12 期，12 期以内免息。",
                "Orders from ¥3,000 can be paid in 3, 6 or 12 instalments by credit card or Huabei, interest-free up "
                "to 12.",
            ),
            Topic.DELIVERY: (
                "深圳市内免费送货上门并安装，现货 3–7 天送到，定制款 25–35 天；外地按距离收运费。",
                "Delivery and installation are free within Shenzhen: 3–7 days for items in stock, 25–35 days for "
                "made-to-order; elsewhere shipping is charged by distance.",
            ),
            Topic.RETURNS: (
                "现货商品送货后 7 天内不满意可以无理由退换（未使用、包装完好），定制商品不支持无理由退货。",
                "Items in stock can be returned or exchanged within 7 days of delivery without reason if unused and "
                "in their packaging; made-to-order items cannot.",
            ),
            Topic.AFTER_SALES: (
                "沙发和床架整体质保 5 年，海绵和五金 3 年，质保期内上门维修免费。",
                "Sofa and bed frames carry a 5-year warranty, foam and hardware 3 years, with free repairs at your "
                "home during the warranty.",
            ),
            Topic.SITE: (
                "官网是 https://home.salescard.example/ ，上面可以看全部款式和 3D 效果图。",
                "Our site is https://home.salescard.example/ with every model and 3D room views.",
            ),
        },
    ),
}
DEFAULT_COMPANY = BANK  # the demo's default organisation: rows made without one (admin, imports) land here
COMPANY_OF_LINE = {line: company.key for company in COMPANIES.values() for line in company.lines}


def company_of_line(line: str) -> DemoCompany:
    return COMPANIES[COMPANY_OF_LINE[line]]


def demo_organisation(key: str) -> Organisation:
    """The organisation of demo company ``key``, created when missing; the bank becomes the default organisation
    when the database has none yet (a fresh demo), so that everything made without naming one is the bank's."""
    company = COMPANIES[key]
    organisation, _created = Organisation.objects.get_or_create(
        name=company.name, defaults={"phone": company.phone, "site_url": company.site_url}
    )
    if (
        key == DEFAULT_COMPANY
        and not organisation.is_default
        and not Organisation.objects.filter(is_default=True).exists()
    ):
        organisation.is_default = True
        organisation.save(update_fields=["is_default"])
    return organisation


def ensure_demo_companies() -> tuple[dict[str, Organisation], int]:
    """The demo organisations by company key, with their facts; also how many rows were created."""
    created = 0
    organisations: dict[str, Organisation] = {}
    for key, company in COMPANIES.items():
        existed = Organisation.objects.filter(name=company.name).exists()
        organisation = demo_organisation(key)
        created += not existed
        organisations[key] = organisation
        for topic, (mandarin, english) in company.facts.items():
            for language, text in (("zh-hans", mandarin), ("en", english)):
                _, made = CompanyFact.objects.get_or_create(
                    organisation=organisation,
                    topic=topic,
                    language=language,
                    defaults={"text": text, "human_only": topic in company.human_only},
                )
                created += made
    return organisations, created


def seeded_organisations() -> dict[str, Organisation | None]:
    """Where each demo company's catalogue lives, for the demo FAQs and promotions: its own organisation, or — in a
    database whose demo predates the two companies (one catalogue, migrated into the default organisation) — the
    default organisation; None when neither exists."""
    by_name = {o.name: o for o in Organisation.objects.filter(name__in=[c.name for c in COMPANIES.values()])}
    fallback = Organisation.objects.filter(is_default=True).first()
    return {key: by_name.get(company.name, fallback) for key, company in COMPANIES.items()}


def login_organisation(key: str) -> Organisation:
    """The organisation a demo manager of company ``key`` signs in to: the company's own once it exists; before
    that, for the bank (the demo's default company), the database's default organisation when it has one, so that
    the demo manager of a database without the demo companies manages what is there."""
    named = Organisation.objects.filter(name=COMPANIES[key].name).first()
    if named is not None:
        return named
    if key == DEFAULT_COMPANY:
        default = Organisation.objects.filter(is_default=True).first()
        if default is not None:
            return default
    return demo_organisation(key)
