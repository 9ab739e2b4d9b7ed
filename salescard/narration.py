"""What the avatar says when the customer opens a tab (SPEC S9): a product, or the official site.

Sentences are written per language (Mandarin, Cantonese, English) from the product's own fields, so a
narration never states anything the catalogue does not.
"""

from __future__ import annotations

from crm.models import Product
from intent.greeting import format_price
from salescard.models import SmartCard

PRODUCT = {
    "zh-hans": "这款{name}{design}{colour}{size}，{price_label}{price}。{description}",
    "yue": "呢款{name}{design}{colour}{size}，{price_label}{price}。{description}",
    "en": "This is {name}{design}{colour}{size}, {price_label}{price}. {description}",
}
PARTS = {
    "zh-hans": {"design": "，{}设计", "colour": "，{}", "size": "，规格{}", "price_label": "价格"},
    "yue": {"design": "，{}設計", "colour": "，{}", "size": "，規格{}", "price_label": "價錢"},
    "en": {"design": ", {} design", "colour": ", in {}", "size": ", size {}", "price_label": "priced at "},
}
SITE = {
    "zh-hans": "欢迎了解{company}。{bio}马上为您打开我们的官方网站。",
    "yue": "歡迎了解{company}。{bio}而家同你打開我哋嘅官方網站。",
    "en": "Welcome to {company}. {bio}I am opening our official site for you now.",
}
CASE = {
    "zh-hans": "给您讲一个真实案例：{title}。{summary}",
    "yue": "同你講個真實案例：{title}。{summary}",
    "en": "Here is a real story: {title}. {summary}",
}
DESCRIPTION_CHARS = 80


def narrate_product(product: Product, language: str) -> str:
    language = language if language in PRODUCT else "zh-hans"
    parts = PARTS[language]
    # The catalogue's price labels (售价, 年缴保费 …) are Chinese; English says "priced at".
    label = str(product.specs.get("price_label", "")) if isinstance(product.specs, dict) and language != "en" else ""
    description = " ".join(product.description.split())
    if len(description) > DESCRIPTION_CHARS:
        description = description[:DESCRIPTION_CHARS].rstrip() + "…"
    return (
        PRODUCT[language]
        .format(
            name=product.name,
            design=parts["design"].format(product.design) if product.design else "",
            colour=parts["colour"].format(product.colour) if product.colour else "",
            size=parts["size"].format(product.size) if product.size else "",
            price_label=label or parts["price_label"],
            price=format_price(product.price),
            description=description,
        )
        .strip()
    )


def narrate_site(card: SmartCard, language: str) -> str:
    language = language if language in SITE else "zh-hans"
    bio = " ".join(card.bio.split())
    if bio and bio[-1] not in "。.!！?？":
        bio += "." if language == "en" else "。"
    if bio and language == "en":
        bio += " "
    return SITE[language].format(company=card.company or card.display_name, bio=bio)


def narrate_case(title: str, summary: str, language: str) -> str:
    return CASE.get(language, CASE["zh-hans"]).format(title=title.rstrip("。."), summary=summary)
