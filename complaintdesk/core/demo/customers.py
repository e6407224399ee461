"""Demo customers: mainland and Hong Kong subscribers with plausible names and contacts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from complaintdesk.core.demo import names
from complaintdesk.customers.models import CustomerTier

TIERS: tuple[str, ...] = (
    CustomerTier.STANDARD,
    CustomerTier.SILVER,
    CustomerTier.GOLD,
    CustomerTier.VIP,
)
TIER_WEIGHTS: tuple[float, ...] = (78, 10, 8, 4)


@dataclass(frozen=True)
class CustomerSpec:
    """One subscriber as the CRM knows them before they complain."""

    name: str
    phone: str
    email: str
    account_number: str
    contract_id: str
    tier: str
    region: str
    language: str
    since: datetime

    @property
    def hong_kong(self) -> bool:
        return self.phone.startswith("+852")


def _mainland_phone(rng: random.Random) -> str:
    return rng.choice(names.MAINLAND_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _hk_phone(rng: random.Random) -> str:
    return "+852" + rng.choice(names.HK_MOBILE_FIRST_DIGITS) + f"{rng.randrange(10**7):07d}"


def _email(rng: random.Random, local: str, domains: tuple[str, ...]) -> str:
    domain = rng.choice(domains)
    if domain == "qq.com":
        # QQ mail addresses are the QQ number.
        return f"{rng.randrange(10**5, 10**10)}@qq.com"
    suffix = rng.choice(("", "", str(rng.randrange(1970, 2006)), str(rng.randrange(10, 999))))
    return f"{local}{suffix}@{domain}"


def _hans(rng: random.Random, serial: int) -> tuple[str, str, str, str]:
    """Name, phone, e-mail and account of a mainland subscriber."""
    surname, surname_py = rng.choice(names.SURNAMES_HANS[: rng.choice((12, 30, 70))])
    given, given_py = rng.choice(names.GIVEN_NAMES_HANS)
    # Hotline agents often record only the surname and a title.
    name = surname + rng.choice(("先生", "女士")) if rng.random() < 0.15 else surname + given
    email = ""
    if rng.random() < 0.3:
        email = _email(rng, f"{given_py}.{surname_py}", names.MAINLAND_EMAIL_DOMAINS)
    _region, area = rng.choice(names.MAINLAND_REGIONS)
    return name, _mainland_phone(rng), email, f"{area}{serial:09d}"


def _hant(rng: random.Random, serial: int) -> tuple[str, str, str, str]:
    surname, surname_rom = rng.choice(names.SURNAMES_HANT)
    given, given_rom = rng.choice(names.GIVEN_NAMES_HANT)
    name = surname + rng.choice(("先生", "小姐")) if rng.random() < 0.15 else surname + given
    email = ""
    if rng.random() < 0.4:
        email = _email(rng, f"{given_rom}{surname_rom}", names.HK_EMAIL_DOMAINS)
    return name, _hk_phone(rng), email, f"HK{serial:09d}"


def _english(rng: random.Random, serial: int) -> tuple[str, str, str, str]:
    given = rng.choice(names.ENGLISH_GIVEN)
    if rng.random() < 0.6:
        surname = rng.choice(names.ENGLISH_SURNAMES_HK)
        phone, account, domains = _hk_phone(rng), f"HK{serial:09d}", names.HK_EMAIL_DOMAINS
    else:
        surname = rng.choice(names.ENGLISH_SURNAMES_EXPAT)
        _region, area = rng.choice(names.MAINLAND_REGIONS)
        phone, account = _mainland_phone(rng), f"{area}{serial:09d}"
        domains = names.EXPAT_EMAIL_DOMAINS
    email = ""
    if rng.random() < 0.7:
        local = f"{given}.{surname}".lower().replace("'", "")
        email = _email(rng, local, domains)
    return f"{given} {surname}", phone, email, account


def customer_specs(
    rng: random.Random, language: str, count: int, first_serial: int, now: datetime
) -> list[CustomerSpec]:
    """`count` distinct subscribers who write in `language`; serials keep accounts unique."""
    make = {"zh-Hans": _hans, "zh-Hant": _hant, "en": _english}[language]
    specs = []
    for offset in range(count):
        serial = first_serial + offset
        name, phone, email, account = make(rng, serial)
        if phone.startswith("+852"):
            region = rng.choice(names.HK_REGIONS)
        else:
            area = account[: len(account) - 9]
            region = next(r for r, a in names.MAINLAND_REGIONS if a == area)
        specs.append(
            CustomerSpec(
                name=name,
                phone=phone,
                email=email,
                account_number=account,
                contract_id=f"HT{rng.randrange(2019, 2026)}{serial:07d}"
                if rng.random() < 0.35
                else "",
                tier=rng.choices(TIERS, TIER_WEIGHTS)[0],
                region=region,
                language=language,
                since=now - timedelta(days=rng.uniform(100, 3650)),
            )
        )
    return specs
