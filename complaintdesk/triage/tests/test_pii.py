import pytest

from complaintdesk.triage.engine import mask
from complaintdesk.triage.engine.pii import contact_details_dropped


def _id_number(first_seventeen: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(first_seventeen, weights, strict=True))
    return first_seventeen + "10X98765432"[total % 11]


def _luhn_card(prefix: str) -> str:
    for last in "0123456789":
        candidate = prefix + last
        total = 0
        for position, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


VALID_ID = _id_number("44030519851212123")
VALID_ID_WITH_X = next(
    _id_number(f"1101011990030745{n}")
    for n in range(10)
    if _id_number(f"1101011990030745{n}").endswith("X")
)
VALID_CARD = _luhn_card("622202123456789012")
VALID_VISA = _luhn_card("411111111111111")


@pytest.mark.parametrize(
    "text",
    [
        f"我的身份证号是{VALID_ID},请核实",
        f"身份證 {VALID_ID_WITH_X} 被人冒用",
        f"ID number {VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]}",
    ],
)
def test_valid_id_numbers_are_masked(text):
    result = mask(text)
    assert "[ID_NUMBER]" in result.masked_text
    assert [span.kind for span in result.spans] == ["id_number"]


WRONG_CHECK_ID = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")


def test_unlabelled_id_number_with_wrong_checksum_is_left_alone():
    assert mask(f"参考 {WRONG_CHECK_ID} 作废").masked_text == f"参考 {WRONG_CHECK_ID} 作废"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号110101199003071234", "身份证号[ID_NUMBER]"),
        (f"身份证{WRONG_CHECK_ID}", "身份证[ID_NUMBER]"),
        (f"身份證號碼：{WRONG_CHECK_ID}", "身份證號碼：[ID_NUMBER]"),
        (f"证件号码为 {WRONG_CHECK_ID[:-1]}X,请核实", "证件号码为 [ID_NUMBER],请核实"),
        (f"我的证件号是{WRONG_CHECK_ID}", "我的证件号是[ID_NUMBER]"),
        (f"ID number: {WRONG_CHECK_ID}", "ID number: [ID_NUMBER]"),
        (f"ID no. {WRONG_CHECK_ID}", "ID no. [ID_NUMBER]"),
        (f"HKID {WRONG_CHECK_ID}", "HKID [ID_NUMBER]"),
    ],
)
def test_id_number_with_wrong_checksum_is_masked_after_an_id_word(text, expected):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize(
    "text",
    [
        # Month 13: not a birth date, so not an ID number however labelled.
        "身份证号110101199013071234",
        # An ID word further back does not label a number after other words.
        f"身份证丢了,订单{WRONG_CHECK_ID}",
    ],
)
def test_labelled_number_without_an_id_shape_is_left_alone(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("护照号E12345678被登记错了", "护照号[ID_NUMBER]被登记错了"),
        ("護照：G12345678", "護照：[ID_NUMBER]"),
        ("护照号码是EA1234567", "护照号码是[ID_NUMBER]"),
        ("Passport No.: E12345678", "Passport No.: [ID_NUMBER]"),
        ("my passport number is G12345678", "my passport number is [ID_NUMBER]"),
        ("passport g12345678 expired", "passport [ID_NUMBER] expired"),
    ],
)
def test_passport_numbers_are_masked_after_a_passport_word(text, expected):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize("text", ["订单E12345678未发货", "型号G12345678", "EA1234567"])
def test_passport_shaped_codes_without_a_passport_word_are_left_alone(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    "card",
    [
        VALID_CARD,
        f"{VALID_VISA[:4]} {VALID_VISA[4:8]} {VALID_VISA[8:12]} {VALID_VISA[12:]}",
        f"{VALID_VISA[:4]}-{VALID_VISA[4:8]}-{VALID_VISA[8:12]}-{VALID_VISA[12:]}",
    ],
)
def test_luhn_valid_bank_cards_are_masked(card):
    result = mask(f"扣款银行卡 {card} 被多扣了钱")
    assert result.masked_text == "扣款银行卡 [BANK_CARD] 被多扣了钱"


def test_bank_card_failing_luhn_is_left_alone():
    broken = VALID_VISA[:-1] + str((int(VALID_VISA[-1]) + 1) % 10)
    assert mask(f"card {broken}").masked_text == f"card {broken}"


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "0086 13812345678",
        "010-62345678",
        "(0755) 8123 4567",
        "021 6123 4567",
        "+852 9123 4567",
        "(852) 6123-4567",
        "9123 4567",
        "0912-345-678",
        "0912345678",
        "+886 912 345 678",
        "02-2345-6789",
        "(02) 2345 6789",
        "+44 20 7946 0958",
        "07700 900123",
        "+1 (415) 555-0123",
        "(415) 555-0123",
        "415-555-0123",
    ],
)
def test_every_phone_format_is_masked(phone):
    result = mask(f"请打我电话 {phone} 联系")
    assert result.masked_text == "请打我电话 [PHONE] 联系", phone


def test_bare_eight_digits_after_a_phone_word_are_a_hong_kong_phone():
    assert mask("我的電話是91234567").masked_text == "我的電話是[PHONE]"


@pytest.mark.parametrize(
    "text",
    [
        "号码138****5678的用户",
        "已打码 138 **** 5678",
        "订单号DD20260315123456",
        "订单号:13812345678,一直没发货",
        "工单 #A12345 没人处理",
        "ticket #A12345 still open",
        "this month I paid ¥1,280.00 instead of 128",
        "扣了58元",
        "多收了1280元",
        "2026-03-15 14:30 开始断网",
        "2026年3月15日开始",
        "20260315",
        "拨打10086没人接",
        "order 4111111111111111 never arrived",
    ],
)
def test_reference_numbers_amounts_dates_and_masked_numbers_are_left_alone(text):
    assert mask(text).masked_text == text


def test_email_is_masked():
    assert (
        mask("邮箱 zhang.san+tel@example.com.cn 收不到账单").masked_text
        == "邮箱 [EMAIL] 收不到账单"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我家住在中山路123号,信号很差", "我家住在[ADDRESS],信号很差"),
        ("地址:文三路90号5栋301室", "地址:[ADDRESS]"),
        ("住在幸福小区3栋2单元501室", "住在[ADDRESS]"),
        ("臺北市信義路五段7號3樓", "臺北市[ADDRESS]"),
        ("I live at 12 Baker Street, London", "I live at [ADDRESS], London"),
        ("Flat 3B, 88 Queen's Road Central", "[ADDRESS] Central"),
    ],
)
def test_street_addresses_are_masked(text, expected):
    assert mask(text).masked_text == expected


def test_spans_point_into_the_original_text():
    text = "电话13812345678,邮箱a@b.cn"
    result = mask(text)
    assert [(span.kind, text[span.start : span.end]) for span in result.spans] == [
        ("phone", "13812345678"),
        ("email", "a@b.cn"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"停网了。姓名张伟,身份证号{VALID_ID},地址北京市朝阳区建国路88号2号楼1203室,"
            "邮箱zhangwei@163.com,电话13812345678",
            "停网了。 , , , , ",
        ),
        (
            "Internet down. Name: John Smith. Address: 5 High Road, Leeds LS1 4AP. "
            "Email: js@x.com. Phone: 07700 900123 / 07700 900124",
            "Internet down.  .  .  .  ",
        ),
        ("這個月帳單多收了我50元。聯絡電話:0912-345-678", "這個月帳單多收了我50元。 "),
        # The number is what the complaint is about: it stays (masked).
        (f"有人用我的身份证{VALID_ID}办了卡", "有人用我的身份证[ID_NUMBER]办了卡"),
        ("Call me on 07700 900123 please.", "Call me on [PHONE] please."),
        # No personal data found: nothing is looked at, a name field included.
        ("姓名张伟,宽带断了", "姓名张伟,宽带断了"),
    ],
)
def test_models_read_the_masked_text_without_its_contact_fields(text, expected):
    result = mask(text)
    assert contact_details_dropped(result) == expected
