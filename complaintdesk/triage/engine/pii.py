"""Personal-data detection and masking.

Masked text is what analysts, exports, logs and the training store see. Numbers are only
masked when their shape (and checksum, for ID numbers and bank cards, or an ID or passport word
right before them) says they are personal data; order and ticket numbers, amounts, dates and
numbers the customer already masked (138****5678) are left alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Literal

from complaintdesk.triage.engine.text import well_formed

PiiKind = Literal["phone", "id_number", "bank_card", "email", "address"]

MASK_TOKENS: dict[str, str] = {
    "phone": "[PHONE]",
    "id_number": "[ID_NUMBER]",
    "bank_card": "[BANK_CARD]",
    "email": "[EMAIL]",
    "address": "[ADDRESS]",
}


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One item of personal data found in the original text (end exclusive)."""

    kind: PiiKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class MaskResult:
    masked_text: str
    spans: tuple[PiiSpan, ...]


# A digit run must not continue a code such as DD2026031512345678, #A12345 or 138****5678:
# the character before its first character is none of these. Number expressions check it
# right after that first character (hence the "." in the look-behind): beginning with a
# character class lets the regex engine skip from one possible first character to the next
# instead of trying the look-behind at every position. A dash before it is a separator
# after a word ("张伟-13812345678"), not a code's, unless a code character precedes it.
_NUMBER_BEGUN = r"(?<![0-9A-Za-z*#._/].)(?<![0-9A-Za-z*#._/\-]-.)"
_NUMBER_END = r"(?![0-9A-Za-z*]|[.\-/][0-9])"

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)

# 18-character PRC resident ID, optionally grouped 6-8-4.
_ID_NUMBER = re.compile(
    r"(\d" + _NUMBER_BEGUN + r"\d{5}[ ]?\d{8}[ ]?\d{3}[\dXx])" + r"(?![0-9A-Za-z*])"
)
# Right before a number, a word that names it as an ID document's: 身份证号：, 证件号码为, ID no.
# With it an ID-shaped number is masked even when its check character is wrong (customers
# mistype them; it is still their ID number), and a passport number is recognised at all.
_ID_JOINER = r"\s*(?:[:：]|是|为|為|is\b){0,2}\s*$"
_ID_CUE = re.compile(
    r"(?:(?:身份证|身份證)(?:号码?|號碼?)?|(?:证件|證件)(?:号码?|號碼?)"
    r"|(?<![A-Za-z])(?:id ?(?:number|no\.?)|hkid))" + _ID_JOINER,
    re.IGNORECASE,
)
_PASSPORT_CUE = re.compile(
    r"(?:(?:护照|護照)(?:号码?|號碼?)?|(?<![A-Za-z])passport(?: ?(?:number|no\.?))?)" + _ID_JOINER,
    re.IGNORECASE,
)
# A quicker first check: most texts name no passport, so their letters are not tried.
_PASSPORT_WORDS = re.compile(r"护照|護照|passport", re.IGNORECASE)
# Mainland passports E12345678, G12345678, EA1234567; others one or two letters, 7-9 digits.
_PASSPORT = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{1,2}\d{7,9}(?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# 15-19 digit cards, plain or in groups of four; American Express grouped 4-6-5.
_BANK_CARD = re.compile(
    r"(\d"
    + _NUMBER_BEGUN
    + r"(?:\d{3}(?:[ \-]?\d{4}){2}[ \-]?\d{3,4}(?:[ \-]?\d{1,3})?|\d{3}[ \-]\d{6}[ \-]\d{5}))"
    + _NUMBER_END
)

_PHONE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern + _NUMBER_END)
    for pattern in (
        # With a country code: +44 20 7946 0958, 0086-138-1234-5678, +1 (415) 555-0123.
        r"(?:\+" + _NUMBER_BEGUN + r"|0" + _NUMBER_BEGUN + r"(?<=\b0)0)"
        r"[1-9]\d{0,2}[ \-]?(?:\(\d{1,4}\)[ \-]?)?\d{1,4}(?:[ \-]?\d{2,5}){1,4}",
        # Country code in brackets: (852) 9123 4567, (+86) 138 1234 5678.
        r"\(" + _NUMBER_BEGUN + r"\+?[1-9]\d{0,2}\)[ \-]?\d{1,4}(?:[ \-]?\d{2,5}){1,4}",
        # Mainland mobile: 13812345678, 138 1234 5678, 138-1234-5678.
        r"1" + _NUMBER_BEGUN + r"[3-9]\d(?:[ \-]?\d{4}){2}",
        # Landlines with a trunk zero: 010-12345678, (0755) 8123 4567, 02-2345-6789 (Taiwan),
        # 020 7946 0958 (UK).
        r"(?:\(" + _NUMBER_BEGUN + r"0|0" + _NUMBER_BEGUN + r")\d{1,3}\)?[ \-]?\d{3,4}[ \-]?\d{4}",
        # Taiwan mobile 0912-345-678, Australian 0412 345 678, and UK mobile 07700 900123.
        r"0" + _NUMBER_BEGUN + r"[4-9]\d{2}[ \-]?\d{3}[ \-]?\d{3}",
        r"0" + _NUMBER_BEGUN + r"7\d{3}[ \-]?\d{6}",
        # North American (415) 555-0123, 415-555-0123, 415.555.0123 (an opening bracket is
        # followed by the first digit of the area code).
        r"[(2-9]" + _NUMBER_BEGUN + r"(?:(?<=\()[2-9]|(?<!\())\d{2}\)?[ \-.]\d{3}[ \-.]\d{4}",
        # Hong Kong 8-digit local numbers when grouped 4-4: 9123 4567, 2345-6789.
        r"[235679]" + _NUMBER_BEGUN + r"\d{3}[ \-]\d{4}",
    )
)
# Bare digit runs (e.g. a Hong Kong 91234567) count as phones only right after a phone word.
_CUED_PHONE = re.compile(r"(\d" + _NUMBER_BEGUN + r"[\d \-]{5,14}\d)" + _NUMBER_END)
_PHONE_CUE = re.compile(
    r"(电话|電話|手机|手機|联系|聯繫|聯絡|联络|致电|致電|回电|回電|号码|號碼|tel|phone|mobile|"
    r"call|whatsapp|wechat|微信|contact|number|no\.)[^0-9]{0,6}$",
    re.IGNORECASE,
)
# The groups of four after the word belong to the same number: in "序號 9088 1234 5567 8802"
# the last two groups are no phone.
_REFERENCE_CUE = re.compile(
    r"(订单|訂單|单号|單號|编号|編號|序号|序號|工单|工單|流水|运单|運單|快递|快遞|发票|發票|合同|合约号|"
    r"账号|賬號|帳號|户号|戶號|order|ticket|tracking|invoice|ref|reference|case|account|"
    r"contract|receipt|serial|imei|sn)[^0-9]{0,8}(?:\d{4}[ \-]){0,3}$",
    re.IGNORECASE,
)

_CN_DIGIT = r"[0-9一二三四五六七八九十百零〇两兩]"
_CN_NUMERAL = _CN_DIGIT + "+"
_ROAD_NAME = (
    r"[^\s\d,.;:!?()\[\]'\"在住于於到的是了我家址为為位从從往去来來和及与與向对對近靠離离市省区區县縣"
    r"，。；：！？、（）]{1,5}"
)
# The numbers may stand apart from their words: 中正路 412 巷 7 號 3 樓.
_GAP = r" ?"
# Words that end an estate's, a building's or a village's name: 华港花园, 佳兆业城市广场,
# 国贸中心, 西庄村.
_ESTATE_WORD = (
    r"(?:小区|小區|花园|花園|新村|公寓|大厦|大廈|广场|廣場|家园|家園|大楼|大樓|中心|苑|邨|村|城)"
)
# One part of an estate address: a building, entrance (门), village group (组), phase (期),
# zone (区), floor, room (房) or house number, numbered or named by a letter alone (A座).
# A 号 before 窗口, 门, 柜台 or 线 is a counter's, a gate's or a line's, not a house's.
_ESTATE_PART = (
    r"(?:(?:[A-Za-z]?"
    + _CN_NUMERAL
    + r"[A-Za-z]?|[A-Za-z])"
    + r"(?:号楼|號樓|栋|棟|幢|座|单元|單元|门|門|组|組|期|区|區|楼|樓|层|層|室|房"
    + r"|[号號](?![窗门門口柜櫃台臺铺舖线線机機位])))"
)
# A flat number straight after an entrance or a stairway (3门201, 2单元502), or after a
# building, not a year: 6栋1704, 5号楼1203, A座2305, or floor-flat 2栋14-3.
_ESTATE_FLAT = (
    r"(?:(?<=[门門])|(?<=单元|單元))\d{2,4}(?![0-9])"
    r"|(?:(?<=[栋棟幢座])|(?<=号楼|號樓))(?:\d{3,4}(?![0-9年月])|\d{1,2}-\d{1,2}(?![0-9]))"
)
_ZH_ADDRESS = re.compile(
    _ROAD_NAME
    + r"(?:路|街|大道|道|巷|弄|胡同|里)[東南西北中东]?段?"
    + r"(?:"
    + _GAP
    + _CN_NUMERAL
    + _GAP
    + r"(?:段|巷|弄))*"
    + _GAP
    + _CN_NUMERAL
    + _GAP
    + r"[号號]"
    + r"(?:之"
    + _CN_NUMERAL
    + r")?"
    + r"(?:"
    + _GAP
    + _CN_NUMERAL
    + r"[A-Za-z]?"
    + _GAP
    + r"(?:栋|棟|幢|座|单元|單元|楼|樓|层|層|室|号楼|號樓|f|F)|"
    + _GAP
    + r"[A-Za-z]"
    + _GAP
    + r"室)*"
    # A building named after the street number, and its block, floor or flat:
    # 建国路88号SOHO现代城2号楼1203室, 科苑路15号科兴科学园B栋3单元1208, 忠孝東路四段100號8樓之2.
    + r"(?:[^\s\d,.;:!?()\[\]'\"在住于於到的是了我家址为為位从從往去来來向对對近靠離离门門"
    + r"，。；：！？、（）]{0,10}?"
    + r"(?:"
    + _GAP
    + r"(?:[A-Za-z]?"
    + _CN_NUMERAL
    + r"[A-Za-z]?|[A-Za-z])"
    + _GAP
    # 期 and 区 are an estate's phase and zone: 創紀之城1期23樓, 环球中心E2区1号楼; 门 an
    # entrance (stairway) of a building: 4栋2门301.
    + r"(?:号楼|號樓|栋|棟|幢|座|单元|單元|门|門|楼|樓|层|層|室|房|F|期|区|區))+)?"
    # A flat number written straight after the building: 2号楼1503, B座2805 (not a year),
    # or as floor-flat after it: 2栋5-3.
    + r"(?:"
    + _ESTATE_FLAT
    + r")?"
    + r"(?:之"
    + _CN_NUMERAL
    + r")?"
    + r"|"
    # Estates and villages without a street: XX小区3栋2单元501室, XX花园5座1203室,
    # XX村三组45号; two parts, or one with a flat number after it (XX小区2栋14-3), so a
    # lone "3楼" or "3期" stays. 家 is in many village names (李家村), but a name does not
    # begin with it (我家阳光小区…).
    + r"(?!家)[^\s\d,.;:!?()在住于於到的是了我址，。；：！？、（）]{2,6}"
    + _ESTATE_WORD
    + _ESTATE_PART
    + r"(?:"
    + _ESTATE_PART
    + r"+(?:"
    + _ESTATE_FLAT
    + r")?|"
    + _ESTATE_FLAT
    + r")"
)
# Text every Chinese address match contains (a numeral and the 号 of a street number, or an
# estate word and a numeral or letter), so other texts skip the expensive address
# expression; the plain words are a quicker first check.
_ZH_ADDRESS_WORDS = re.compile(
    r"号|號|小区|小區|花园|花園|新村|公寓|大厦|大廈|广场|廣場|家园|家園|大楼|大樓|中心|苑|邨|村|城"
)
_ZH_STREET_NUMBER = _CN_DIGIT + _GAP + r"[号號]"
# An estate's first part may be named by a letter alone (国贸中心A座1508).
_ZH_ESTATE_NUMBER = _ESTATE_WORD + r"(?:[A-Za-z]|" + _CN_DIGIT + ")"
# The check in two parts, each beginning with a character of a small set, which the regex
# engine finds quickly (one expression with both is slower, in a text and in a batch).
_ZH_ADDRESS_NEEDS_PARTS = (re.compile(_ZH_STREET_NUMBER), re.compile(_ZH_ESTATE_NUMBER))
_EN_STREET_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Crt|Place|Pl|"
    r"Terrace|Tce|Close|Crescent|Cres|Square|Sq|Parkway|Highway|Hwy|Grove|Row|Mews|Walk|Rise|"
    r"Gardens|Gdns|Circuit|Cct|Esplanade|Parade|Pde|Heights"
)
# Street types written before the name, the French way: 48 Rue Saint-Paul.
_FR_STREET_TYPES = (
    r"Rue|Avenue|Av|Boulevard|Boul|Chemin|Ch|Place|Route|Côte|Allée|Impasse|Quai|Rang|Montée"
)
# A capitalised word, accented letters included (René-Lévesque), and an ordinal (86th).
_EN_NAME = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]+"
_EN_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)"
_EN_TOWN = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)*"
# Postcodes: British NW1 6XE, Irish Eircode D06 F2X8, Canadian H2Y 1H2.
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}"
_EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}"
_CANADIAN_POSTCODE = r"[A-Z]\d[A-Z] ?\d[A-Z]\d"
# A house number starts after anything but a letter or digit: \b, being Unicode, sees no
# boundary between a Chinese character and a letter or digit (話Flat 8D).
_EN_BEGUN = r"(?<![0-9A-Za-z])"
_EN_ENDED = r"(?![0-9A-Za-z])"
_EN_ADDRESS = re.compile(
    _EN_BEGUN
    + r"(?:(?:Flat|Apt|Apartment|Unit|Suite|Room)\.? ?[0-9A-Za-z]{1,5},? ?(?:\d{1,3}/F,? ?)?)?"
    + _EN_BEGUN
    # A compass letter may come first (1187 W Fulton St), the name may be an ordinal
    # (225 E 86th St), and a French street type comes before the name (48 Rue Saint-Paul).
    + r"\d{1,5}[A-Za-z]?,? (?:(?:[NSEW]\.? )?(?:(?:"
    + _EN_NAME
    + "|"
    + _EN_ORDINAL
    + r") ){1,3}(?:"
    + _EN_STREET_TYPES
    + r")(?![A-Za-z])\.?"
    + r"|(?:"
    + _FR_STREET_TYPES
    + r")\.? (?:(?:de la|de l'|du|des|de|d') ?)?"
    + _EN_NAME
    + r"(?: "
    + _EN_NAME
    + r"){0,2})"
    + r"(?:,? ?(?:Flat|Apt|Apartment|Unit|Suite)\.? ?[0-9A-Za-z]{1,5})?"
    # The town only with a postcode after it: ", London NW1 6XE", ", Springfield, IL 62704",
    # ", Ringwood VIC 3134", ", Montréal, QC H2Y 1H2", ", Dublin 6, D06 F2X8", and an Indian
    # PIN: ", Chennai 600020".
    + r"(?:,? (?:"
    + _EN_TOWN
    + r" ){0,2}?(?:(?:"
    + _EN_TOWN
    + r"(?: \d{1,2})?,? )?(?:"
    + _UK_POSTCODE
    + r"|[A-Z]{2,3} \d{4,5}(?:-\d{4})?|(?:[A-Z]{2} )?"
    + _CANADIAN_POSTCODE
    + "|"
    + _EIRCODE
    + r")|"
    + _EN_TOWN
    + r"(?:,| -)? \d{6})"
    + _EN_ENDED
    + r")?"
)
# Addresses listed part by part and ending in a postcode, the Indian and Irish way:
# "Flat 304, Sai Krupa Apartments, 12th Cross, Indiranagar, Bengaluru 560038",
# "Apartment 21, The Maples, Clonskeagh Road, Dublin 6, D06 F2X8". Parts are split by ", "
# and their words by one space, so the expression tries each stretch of text once.
_EN_LISTED_WORD = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’.\-]*"
_EN_LISTED_PART = (
    r"(?:"
    + _EN_LISTED_WORD
    + "|"
    + _EN_ORDINAL
    + " "
    + _EN_LISTED_WORD
    + r")(?: (?:"
    + _EN_LISTED_WORD
    + r"|\d{1,3}"
    + _EN_ENDED
    + r")){0,4}"
)
_EN_LISTED_ADDRESS = re.compile(
    # Not part of an amount (Rs 1,200).
    r"(?<![0-9A-Za-z,.])"
    r"(?:(?:Flat|Apt|Apartment|Unit|Suite|House|Plot|Door No|No)\.? ?"
    r"(?:[A-Z]{1,2}[\-/]?)?\d{1,5}[A-Za-z]?|[A-Z]{1,2}[\-/]\d{1,5}|\d{1,4}[A-Za-z]?)"
    + r"(?:, "
    + _EN_LISTED_PART
    + r"){2,6}"
    + r"(?:(?:,| -)? \d{6}|,? (?:"
    + _EIRCODE
    + "|"
    + _UK_POSTCODE
    + "))"
    + _EN_ENDED
)
# Singapore HDB flats: block, street, #floor-unit and postcode:
# Blk 23 Tampines St 21 #05-233, Singapore 521023. Beginning with the letter B lets the
# regex engine jump from one B to the next.
_SG_BLOCK_FLAT = re.compile(
    r"B(?<![0-9A-Za-z]B)l(?:k|ock)\.? ?\d{1,4}[A-Za-z]?"
    + r"(?: [A-Z][A-Za-z]*\.?){1,4}(?: \d{1,3}[A-Za-z]?)?"
    + r"(?: ?#\d{1,3}-\d{1,5}(?:,? Singapore \d{6})?|,? Singapore \d{6})"
    + _EN_ENDED
)
# Hong Kong flats named by block, not street, and the estate and district after it:
# Flat 12B, Block 3, Kornhill, Quarry Bay.
_EN_FLAT_IN_BLOCK = re.compile(
    _EN_BEGUN
    + r"(?:Flat|Apt|Apartment|Unit|Room|Rm)\.? ?[0-9A-Za-z]{1,5},? ?(?:\d{1,3}/F,? ?)?"
    + r"(?:Block|Blk|Tower|Twr)\.? ?[0-9A-Za-z]{1,3}"
    + _EN_ENDED
    + r"(?:, [A-Z][A-Za-z'’\-]*(?: [A-Z][A-Za-z'’\-]*){0,2}){0,2}"
)


# Every English address match contains a number, up to two letters (8D, 86th) or a floor
# (23/F) and a capitalised word: a house or block number and its street, or the first part
# of a listed address.
_EN_ADDRESS_NEEDS = re.compile(r"\d(?:[A-Za-z]{0,2}|/F),? [A-ZÀ-Þ]")
_ASCII_DIGIT = re.compile(r"[0-9]")
_AT_SIGN = re.compile("@")

# Hong Kong identity card: one or two letters, six digits and a check digit (0-9 or A),
# usually in brackets: A123456(3), AB987654(3). Customers typing on a phone write the
# letters in lower case (a481263(0)); without the brackets such a code is any code's shape.
_HONG_KONG_ID = re.compile(
    r"(?<![0-9A-Za-z])([A-Za-z]{1,2}\d{6})[ ]?(?:\(([0-9Aa])\)|([0-9A]))(?![0-9A-Za-z])"
)
# Taiwan national ID and resident certificate: a letter, 1/2 (8/9), eight digits; the
# checksum tells an ID typed in lower case (f133904279) from other codes.
_TAIWAN_ID = re.compile(r"(?<![0-9A-Za-z])([A-Za-z][1289]\d{8})(?![0-9A-Za-z])")
# Both ID shapes contain a letter and six digits; most texts do not. Beginning with a
# digit, the check passes over the letters of a long text quickly.
_LETTER_DIGIT = re.compile(r"\d(?<=[A-Za-z]\d)\d{5}")
# The letters in the order of their values 10, 11, … in the Taiwan ID checksum.
_TAIWAN_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
_TAIWAN_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)

# Flats without a street number: 沙田第一城12座18樓F室, 太和邨喜和樓1520室,
# 望京西园三区312号楼1单元602. The place name before, then at least two building/floor/flat parts,
# so a lone "3楼" or "5号楼" (a floor, a building of the estate) stays.
_FLAT_PART = r"(?:号楼|號樓|栋|棟|幢|座|单元|單元|门|門|楼|樓|层|層|室|房|F)"
_ZH_FLAT = re.compile(
    r"[^\s\d,.;:!?()\[\]'\"在住于於到的是了我家址为為位从從往去来來向对對近靠離离"
    r"，。；：！？、（）]{0,8}?"
    r"(?:"
    + _CN_NUMERAL
    + r"[A-Za-z]?"
    + _FLAT_PART
    + r"|[A-Za-z]室|[一-龥]{1,3}(?:樓|楼|閣|阁|座))"
    r"(?:"
    + _GAP
    + _CN_NUMERAL
    + r"[A-Za-z]?"
    + _GAP
    + _FLAT_PART
    + r"|"
    + _GAP
    + r"[A-Za-z]"
    + _GAP
    + r"室){1,3}"
    r"(?:(?:(?<=[门門])|(?<=单元|單元))\d{2,4}(?![0-9]))?"
)
# The unit words alone, a quicker first check.
_ZH_FLAT_UNITS = re.compile(r"座|栋|棟|幢|单元|單元|门|門|楼|樓|层|層|室|房")
_FLAT_NUMBER = r"[0-9A-Za-z一二三四五六七八九十]"
_ZH_FLAT_NEEDS = re.compile(
    _FLAT_NUMBER + _GAP + r"(?:座|栋|棟|幢|单元|單元|门|門|楼|樓|层|層|室|房)"
)
# The same check beginning with the unit word's first character (单 and 單 must go on with
# 元) and checking the character before it afterwards: in a long string the regex engine
# jumps from one unit word to the next instead of stopping at every letter and digit.
_ZH_FLAT_NEEDS_FROM_UNIT = re.compile(
    r"[座栋棟幢门門楼樓层層室房单單](?:(?<=" + _FLAT_NUMBER + r".)|(?<=" + _FLAT_NUMBER + r" .))"
    r"(?:(?<=[单單])元|(?<![单單]))"
)
# Service numbers belong to businesses: China 400/800, North American toll-free, and
# freephone 0800/0808 (UK, Taiwan).
_BUSINESS_NUMBER = re.compile(r"(?:400|800|833|844|855|866|877|888)\d{7}|080[08]\d{6,7}")
# These only as written in their own groups, so that a mainland mobile (18001234567) or a
# Zhaotong landline (0870-2123456) stays a phone: 1-800-555-0123 and UK 0845 602 1234.
_GROUPED_BUSINESS_NUMBER = re.compile(
    r"\+?1[ \-.]\(?8(?:00|33|44|55|66|77|88)\)?[ \-.]?\d{3}[ \-.]\d{4}"
    r"|08(?:4[345]|7[01])[ \-]\d{3}[ \-]\d{4}"
)
_NOT_DIGIT = re.compile(r"\D")


def _is_business_number(number: str) -> bool:
    return (
        _BUSINESS_NUMBER.fullmatch(_NOT_DIGIT.sub("", number)) is not None
        or _GROUPED_BUSINESS_NUMBER.fullmatch(number) is not None
    )


def _has_birth_date(digits: str) -> bool:
    try:
        birth = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return birth.year >= 1900


def _id_number_is_valid(candidate: str) -> bool:
    digits = candidate.replace(" ", "").upper()
    if len(digits) != 18 or not digits[:17].isdigit() or not _has_birth_date(digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11] == digits[17]


def hong_kong_id_is_valid(body: str, check: str) -> bool:
    """The Hong Kong identity card check digit: weights 9…2, letters A=10…Z=35, a missing
    second letter counts 36; the check is 11 minus the sum mod 11 (10 is written A)."""
    letters, digits = body[:-6], body[-6:]
    values = [36] if len(letters) == 1 else []
    values += [ord(letter) - ord("A") + 10 for letter in letters]
    values += [int(digit) for digit in digits]
    total = sum(value * weight for value, weight in zip(values, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


def taiwan_id_is_valid(candidate: str) -> bool:
    """The Taiwan ID checksum: the letter's two-digit value and the nine digits, weighted
    1, 9, 8 … 1, 1, sum to a multiple of ten."""
    code = _TAIWAN_LETTERS.index(candidate[0]) + 10
    digits = [code // 10, code % 10, *(int(char) for char in candidate[1:])]
    return sum(d * w for d, w in zip(digits, _TAIWAN_WEIGHTS, strict=True)) % 10 == 0


def _luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digit_count(text: str) -> int:
    return sum(char.isdigit() for char in text)


def _cued(cue: re.Pattern[str], text: str, start: int) -> bool:
    """True when ``cue`` ends right before ``start`` (a label and a colon, 是 or a space)."""
    return cue.search(text[max(0, start - 20) : start]) is not None


def _is_reference_number(text: str, start: int) -> bool:
    """True when the number follows an order/ticket/account word ("订单号:", "order #")."""
    return _REFERENCE_CUE.search(text[max(0, start - 32) : start]) is not None


# The families of expressions, as bits: a text is only searched with the families its
# cheap first checks let through.
_EMAILS = 1
_NUMBERS = 2
_LETTER_IDS = 4
_ZH_STREETS = 8
_ZH_FLATS = 16
_EN_STREETS = 32


def _families_in(text: str) -> int:
    families = 0
    if "@" in text:
        families |= _EMAILS
    # Phones, ID numbers and cards all have seven digits or more; most complaints do not.
    if len(_ASCII_DIGIT.findall(text)) >= 7:
        families |= _NUMBERS
    if _LETTER_DIGIT.search(text):
        families |= _LETTER_IDS
    if _ZH_ADDRESS_WORDS.search(text) and any(
        part.search(text) for part in _ZH_ADDRESS_NEEDS_PARTS
    ):
        families |= _ZH_STREETS
    if _ZH_FLAT_UNITS.search(text) and _ZH_FLAT_NEEDS.search(text):
        families |= _ZH_FLATS
    if _EN_ADDRESS_NEEDS.search(text):
        families |= _EN_STREETS
    return families


# For a batch, the first checks run once over all texts joined into one string, each text
# preceded by a NUL. No check matches a NUL, so every hit lies inside one text.
_SEPARATOR = "\x00"
# Seven ASCII digits between a separator and the next one: each text is read once, from its
# start. A text with a NUL of its own could be cut short, so such texts are counted alone.
_SEVEN_DIGITS_IN_ONE_TEXT = re.compile(r"\x00(?:[^0-9\x00]*+[0-9]){7}")
# _EN_ADDRESS_NEEDS written to begin with the space: the regex engine finds spaces much
# faster than digits in a long string.
_EN_ADDRESS_NEEDS_FROM_SPACE = re.compile(
    r" [A-ZÀ-Þ](?:(?<=\d .)|(?<=\d, .)|(?<=\d[A-Za-z] .)|(?<=\d[A-Za-z], .)"
    r"|(?<=\d[A-Za-z]{2} .)|(?<=\d[A-Za-z]{2}, .)|(?<=\d/F .)|(?<=\d/F, .))"
)


def _texts_with(pattern: re.Pattern[str], joined: str, starts: list[int]) -> list[int]:
    """Indexes of the texts (beginning at ``starts`` in ``joined``) where ``pattern`` has a
    match; after a hit the search moves on to the separator before the next text."""
    found = []
    position = 0
    while (match := pattern.search(joined, position)) is not None:
        index = bisect_right(starts, match.end() - 1) - 1
        found.append(index)
        if index + 1 == len(starts):
            break
        position = starts[index + 1] - 1
    return found


def _families_in_batch(texts: Sequence[str]) -> list[int]:
    """``[_families_in(text) for text in texts]``, each check run once over the batch."""
    families = [0] * len(texts)
    joined = _SEPARATOR.join(["", *texts])
    starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=1))

    def mark(pattern: re.Pattern[str], family: int) -> None:
        for index in _texts_with(pattern, joined, starts):
            families[index] |= family

    mark(_AT_SIGN, _EMAILS)
    mark(_SEVEN_DIGITS_IN_ONE_TEXT, _NUMBERS)
    if joined.count(_SEPARATOR) > len(texts):
        for index, text in enumerate(texts):
            if _SEPARATOR in text and len(_ASCII_DIGIT.findall(text)) >= 7:
                families[index] |= _NUMBERS
    mark(_LETTER_DIGIT, _LETTER_IDS)
    # The single-text path runs quick word checks first; they pass wherever these do.
    for part in _ZH_ADDRESS_NEEDS_PARTS:
        mark(part, _ZH_STREETS)
    mark(_ZH_FLAT_NEEDS_FROM_UNIT, _ZH_FLATS)
    mark(_EN_ADDRESS_NEEDS_FROM_SPACE, _EN_STREETS)
    return families


def find_pii(text: str) -> list[PiiSpan]:
    """All personal-data spans in ``text``, non-overlapping, in order of position."""
    return _find_pii(text, _families_in(text))


def _find_pii(text: str, families: int) -> list[PiiSpan]:
    found: list[PiiSpan] = []
    taken = bytearray(len(text) + 1)

    def claim(kind: PiiKind, start: int, end: int) -> None:
        if any(taken[start:end]):
            return
        taken[start:end] = b"\x01" * (end - start)
        found.append(PiiSpan(kind, start, end))

    if families & _EMAILS:
        for match in _EMAIL.finditer(text):
            claim("email", match.start(), match.end())
    if families & _NUMBERS:
        _find_numbers(text, claim)
    if families & _LETTER_IDS:
        _find_letter_ids(text, claim)
    if families & _ZH_STREETS:
        for match in _ZH_ADDRESS.finditer(text):
            claim("address", match.start(), match.end())
    if families & _ZH_FLATS:
        for match in _ZH_FLAT.finditer(text):
            claim("address", match.start(), match.end())
    if families & _EN_STREETS:
        for match in _EN_LISTED_ADDRESS.finditer(text):
            # "Ticket 4521, Billing Team, Pune 411001" lists a reference, not a house.
            if not _is_reference_number(text, match.start()):
                claim("address", match.start(), match.end())
        for pattern in (_SG_BLOCK_FLAT, _EN_ADDRESS, _EN_FLAT_IN_BLOCK):
            for match in pattern.finditer(text):
                claim("address", match.start(), match.end())
    found.sort(key=lambda span: span.start)
    return found


def _find_letter_ids(text: str, claim: Callable[[PiiKind, int, int], None]) -> None:
    for match in _HONG_KONG_ID.finditer(text):
        body, bracketed, bare = match.groups()
        if bare is not None and not body.isupper():
            continue
        if hong_kong_id_is_valid(body.upper(), (bracketed or bare).upper()):
            claim("id_number", match.start(), match.end())
    for match in _TAIWAN_ID.finditer(text):
        if taiwan_id_is_valid(match.group(1).upper()):
            claim("id_number", match.start(), match.end())


# Every number expression matches five characters or more of these, the first a digit, "+"
# or "(": texts without such a stretch (only dates like 2026年3月15日 and short amounts)
# need none of them.
_NUMBER_STRETCH = re.compile(r"[\d+(][\d +\-().Xx]{4}")


def _find_numbers(text: str, claim: Callable[[PiiKind, int, int], None]) -> None:
    if not _NUMBER_STRETCH.search(text):
        return
    for match in _ID_NUMBER.finditer(text):
        if _id_number_is_valid(match.group(1)) or (
            _has_birth_date(match.group(1).replace(" ", ""))
            and _cued(_ID_CUE, text, match.start(1))
        ):
            claim("id_number", match.start(1), match.end(1))
    if _PASSPORT_WORDS.search(text):
        for match in _PASSPORT.finditer(text):
            if _cued(_PASSPORT_CUE, text, match.start()):
                claim("id_number", match.start(), match.end())
    # Phones are looked for where a slash between two of them is read as a space (the same
    # length, so spans still point into ``text``).
    phone_text = _PHONE_SLASH.sub(_slash_between_phones, text) if "/" in text else text
    # A number with a country prefix (+86…, 0086…) is a phone even if it passes Luhn.
    _find_phones(phone_text, claim, _PHONE_PATTERNS[:2], with_cues=False)
    for match in _BANK_CARD.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group(1))
        # An 18-digit run shaped like an ID number is judged as one, never as a card.
        if len(digits) == 18 and _has_birth_date(digits):
            continue
        if (
            15 <= len(digits) <= 19
            and _luhn_is_valid(digits)
            and not _is_reference_number(text, match.start(1))
        ):
            claim("bank_card", match.start(1), match.end(1))
    _find_phones(phone_text, claim, _PHONE_PATTERNS[2:], with_cues=True)


# "13800138000/15912345678": two phones with a slash between. Number expressions never
# take a digit next to a slash (dates, paths, "第2/3号"), so such a slash is read as a space
# when seven digits or more stand on each side of it.
_PHONE_SLASH = re.compile(r"(?<=[\d ])/(?=[ \d(+])")
_PHONE_RUN_BEFORE = re.compile(r"[\d \-()+]{7,20}$")
_PHONE_RUN_AFTER = re.compile(r"^[\d \-()+]{7,20}")


def _slash_between_phones(match: re.Match[str]) -> str:
    text = match.string
    before = _PHONE_RUN_BEFORE.search(text, max(0, match.start() - 20), match.start())
    after = _PHONE_RUN_AFTER.match(text[match.end() : match.end() + 20])
    if before and after and _digit_count(before.group()) >= 7 and _digit_count(after.group()) >= 7:
        return " "
    return "/"


def _find_phones(
    text: str,
    claim: Callable[[PiiKind, int, int], None],
    patterns: tuple[re.Pattern[str], ...],
    *,
    with_cues: bool,
) -> None:
    for pattern in patterns:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if not 7 <= _digit_count(match.group()) <= 15:
                continue
            if _is_business_number(match.group()):
                continue
            if _is_reference_number(text, start) and not _PHONE_CUE.search(
                text[max(0, start - 12) : start]
            ):
                continue
            claim("phone", start, end)
    if not with_cues:
        return
    for match in _CUED_PHONE.finditer(text):
        number = match.group(1)
        if (
            _digit_count(number) >= 7
            and not _is_business_number(number)
            and _PHONE_CUE.search(text[max(0, match.start() - 12) : match.start()])
        ):
            claim("phone", match.start(1), match.end(1))


def mask(text: str) -> MaskResult:
    """Replace every personal-data item with a token such as ``[PHONE]``.

    The masked text is what every later step reads, so a lone surrogate becomes U+FFFD
    here (text.well_formed) and nothing after it meets one."""
    text = well_formed(text)
    return _masked(text, _families_in(text))


def mask_batch(texts: Sequence[str]) -> list[MaskResult]:
    """``[mask(text) for text in texts]``, faster: the first checks run once over the whole
    batch, and texts they let nothing through for (most complaints) are returned as they are."""
    if not texts:
        return []
    texts = [well_formed(text) for text in texts]
    return [
        _masked(text, families) if families else MaskResult(text, ())
        for text, families in zip(texts, _families_in_batch(texts), strict=True)
    ]


def _masked(text: str, families: int) -> MaskResult:
    spans = _find_pii(text, families) if families else []
    if not spans:
        return MaskResult(text, ())
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(MASK_TOKENS[span.kind])
        cursor = span.end
    parts.append(text[cursor:])
    return MaskResult("".join(parts), tuple(spans))


# A contact-details field ("身份证号：[ID_NUMBER]", "地址北京市朝阳区[ADDRESS]", "Email: [EMAIL]",
# "姓名张伟") says how to reach the customer, not what the complaint is about; left in, its
# labels read like a privacy complaint (an outage with ID, address and e-mail went to
# `other.privacy`). The models see a text without them. A field only counts when its value
# ends the clause: in "有人用我的身份证[ID_NUMBER]办了卡" the number is the subject.
_FIELD_LABEL = (
    r"(?:(?:我的|本人|客户|用户|聯絡|联系|聯繫|my |customer )?"
    r"(?:姓名|名字|联系人|聯絡人|聯繫人|手机号码|手機號碼|手机号|手機號|手机|手機|电话号码|電話號碼"
    r"|联系电话|聯絡電話|聯繫電話|电话|電話|座机|座機|联系方式|聯絡方式|聯繫方式|号码|號碼"
    r"|身份证号码|身份證號碼|身份证号|身份證號|身份证|身份證|证件号码?|證件號碼?"
    r"|家庭住址|联系地址|聯絡地址|安装地址|安裝地址|住址|地址|电子邮箱|電子郵箱|邮箱|郵箱|電郵|邮件|郵件"
    r"|银行卡号|銀行卡號|银行卡|銀行卡|卡号|卡號"
    r"|full name|name|phone number|phone no\.?|phone|mobile number|mobile no\.?|mobile|tel\.?"
    r"|telephone|contact number|contact no\.?|contact|number|id number|id no\.?|id|hkid"
    r"|home address|address|e-?mail address|e-?mail|card number|card no\.?|card))"
)
_FIELD_JOINER = r"\s*(?:[:：=]|是|为|為|is|at|on)?\s*"
_MASKED_ITEM = r"\[(?:PHONE|ID_NUMBER|BANK_CARD|EMAIL|ADDRESS)\]"
_FIELD_END = r"(?=\s*(?:[，。,.;；、!！?？)）/|]|$|\n|和|及|或|and\b|or\b))"
_CONTACT_FIELD = re.compile(
    _FIELD_LABEL
    + _FIELD_JOINER
    # An address keeps the district it starts with before its token.
    + r"(?:[^\s，。,;；:：\[\]]{0,16}?\[ADDRESS\]|"
    + _MASKED_ITEM
    + ")"
    + r"(?:\s*(?:[/、或]|or)\s*"
    + _MASKED_ITEM
    + r")*"
    + _FIELD_END,
    re.IGNORECASE,
)
_NAME_FIELD = re.compile(
    r"(?:姓名|名字|联系人|聯絡人|聯繫人|客户姓名|客戶姓名|(?:full )?name)"
    + _FIELD_JOINER
    + r"(?:[\u4e00-\u9fff]{2,4}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})"
    + _FIELD_END,
    re.IGNORECASE,
)


def contact_details_dropped(result: MaskResult) -> str:
    """The masked text without its contact-details fields: what the models read.

    Only texts with personal data found in them are looked at (a contact block always
    carries some), so most complaints are returned as they are at once.
    """
    if not result.spans:
        return result.masked_text
    text = _CONTACT_FIELD.sub(" ", result.masked_text)
    return _NAME_FIELD.sub(" ", text)
