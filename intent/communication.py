"""Communication style (SPEC S6): the communication type that suits the customer's personality type,
plus the language and dialect they prefer."""

from __future__ import annotations

from dataclasses import dataclass

from crm.models import Customer
from intent.config import IntentConfig, get_config
from intent.personality import PersonalityResult, assess_personality


@dataclass(frozen=True)
class CommunicationStyle:
    communication_type: str  # CommunicationType.code
    communication_name: str
    language: str  # zh-hans, yue or en
    dialect: str  # "" or a Customer.Dialect value
    personality_type: str
    reasons: tuple[str, ...]


def communication_style(
    customer: Customer, personality: PersonalityResult | None = None, config: IntentConfig | None = None
) -> CommunicationStyle:
    config = config or get_config()
    personality = personality or assess_personality(customer, config)
    ptype = config.personality_types[personality.type_code]
    ctype = ptype.communication_type
    # The preferred language is the customer's choice; the dialect travels along for the speech and
    # wording layers (a Mandarin-preferring Cantonese speaker is still addressed in Mandarin).
    language = customer.language or Customer.Language.MANDARIN
    reasons = (f"{ptype.name} → {ctype.name}", f"preferred language {language}")
    return CommunicationStyle(
        communication_type=ctype.code,
        communication_name=ctype.name,
        language=language,
        dialect=customer.dialect,
        personality_type=ptype.code,
        reasons=reasons,
    )
