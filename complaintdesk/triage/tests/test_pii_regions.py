"""Personal data written the Hong Kong and Taiwan way, flats without a street, and the
business numbers that are not personal data."""

import pytest

from complaintdesk.triage.engine import mask
from complaintdesk.triage.engine.pii import hong_kong_id_is_valid, taiwan_id_is_valid


def _hong_kong_id(body: str) -> str:
    check = next(c for c in "0123456789A" if hong_kong_id_is_valid(body, c))
    return f"{body}({check})"


def _taiwan_id(first_nine: str) -> str:
    return next(first_nine + d for d in "0123456789" if taiwan_id_is_valid(first_nine + d))


def test_hong_kong_id_check_digit_follows_the_published_rule():
    # The sample number printed on the Immigration Department's own leaflets.
    assert hong_kong_id_is_valid("A123456", "3")
    assert not hong_kong_id_is_valid("A123456", "4")
    assert hong_kong_id_is_valid("AB987654", "3")


def test_taiwan_id_checksum_follows_the_published_rule():
    assert taiwan_id_is_valid("A123456789")
    assert not taiwan_id_is_valid("A123456788")


@pytest.mark.parametrize(
    "text",
    [
        f"身份證號碼 {_hong_kong_id('K274518')} 被人用來開咗兩張卡",
        f"my HKID is {_hong_kong_id('Z683365')}, please check",
        f"HKID {_hong_kong_id('CA182361')}",
        f"身分證字號{_taiwan_id('F12874563')},門市說查不到",
        f"ID {_taiwan_id('B22013579')} was used for a contract I never signed",
    ],
)
def test_hong_kong_and_taiwan_ids_with_a_valid_check_digit_are_masked(text):
    result = mask(text)
    assert [span.kind for span in result.spans] == ["id_number"], result.masked_text
    assert "[ID_NUMBER]" in result.masked_text


@pytest.mark.parametrize(
    "text",
    [
        "身份證 K274518(7) 唔啱",  # wrong check digit
        "型號 A1234567890 的手機",  # too long for either
        "工单 B220135796 还没处理",  # fails the Taiwan checksum
    ],
)
def test_look_alike_codes_are_left_alone(text):
    assert mask(text).masked_text == text


def test_american_express_cards_grouped_four_six_five_are_masked():
    assert mask("扣款卡 3782 822463 10005 被盜刷").masked_text == "扣款卡 [BANK_CARD] 被盜刷"


@pytest.mark.parametrize(
    "address",
    [
        "沙田第一城12座18樓F室",
        "大埔太和邨喜和樓1520室",
        "九龍城太子道西350號3樓A室",
        "望京西园三区312号楼1单元602",
        "幸福小区3栋2单元501室",
    ],
)
def test_flats_are_masked_even_without_a_street_number(address):
    masked = mask(f"上門地址:{address},請安排師傅").masked_text
    assert masked == "上門地址:[ADDRESS],請安排師傅"


@pytest.mark.parametrize(
    "text",
    [
        "营业厅在3楼,排了很久",
        "我们小区5号楼信号特别差",
        "二楼营业厅的人态度差",
        "第3号窗口没人",
        "拨打客服热线400-820-1234没人接",
        "called 800-555-0199 three times",
    ],
)
def test_floors_windows_and_business_hotlines_are_not_personal_data(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Call me back on 0413 552 907 after six.", "0413 552 907"),
        ("I live at 1187 W Fulton St Apt 3B, Chicago IL 60607.", "1187 W Fulton St Apt 3B"),
        ("The box went to 14 Wattle Grove, Ringwood VIC 3134 by mistake.", "14 Wattle Grove"),
        ("Send the engineer to Flat 12B, Block 3, Kornhill, Quarry Bay.", "Flat 12B, Block 3"),
        ("地址:九龍城衙前圍道 128 號 5 樓 B 室,請派人上門", "128 號 5 樓 B 室"),
        ("新北市永和區中正路 412 巷 7 號 3 樓,網路一直斷", "412 巷 7 號 3 樓"),
        ("我住觀塘秀茂坪邨秀明樓 1502 室,成個月冇訊號", "秀明樓 1502 室"),
    ],
)
def test_numbers_and_addresses_written_with_spaces_or_other_countries_ways(text, item):
    masked = mask(text).masked_text
    assert item not in masked
    assert "[PHONE]" in masked or "[ADDRESS]" in masked


@pytest.mark.parametrize(
    "text",
    ["我在 3 楼等了两个小时", "order 0412 345 678 never arrived", "I waited 20 minutes at Gate 3"],
)
def test_a_floor_an_order_number_or_a_gate_is_not_personal_data(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13800138000/15912345678都可以", "电话[PHONE]/[PHONE]都可以"),
        ("联系方式:13800138000/0755-81234567", "联系方式:[PHONE]/[PHONE]"),
        ("mobile 13800138000 / 15912345678", "mobile [PHONE] / [PHONE]"),
    ],
)
def test_two_phones_written_with_a_slash_between_are_both_masked(text, expected):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize(
    "text",
    ["2026/03/15 开始断网", "第13800138000/2 号文件", "see docs/13800138000"],
)
def test_a_slash_next_to_a_date_or_a_path_is_no_phone(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The building and flat after a street number belong to the address.
        (
            "地址:北京市朝阳区建国路88号SOHO现代城2号楼1203室,请上门",
            "地址:北京市朝阳区[ADDRESS],请上门",
        ),
        ("上海市浦东新区张杨路500号华润时代广场15楼", "上海市浦东新区[ADDRESS]"),
        ("深圳市南山区科苑路15号科兴科学园B栋3单元1208", "深圳市南山区[ADDRESS]"),
        ("台北市忠孝東路四段100號8樓之2", "台北市[ADDRESS]"),
        # The town and postcode after an English street address.
        ("I live at 12 Baker Street, London NW1 6XE.", "I live at [ADDRESS]."),
        ("Ship it to 123 Main St, Springfield, IL 62704 please", "Ship it to [ADDRESS] please"),
        ("My flat is 4 Elm Road, Leeds LS6 2AB", "My flat is [ADDRESS]"),
    ],
)
def test_an_address_is_masked_with_its_building_flat_town_and_postcode(text, expected):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize(
    "text",
    [
        "中山路123号营业厅的人态度很差",
        "We met at 10 Downing Street, London.",
        "我在人民路5号门口等了半小时,3楼的营业厅关门",
    ],
)
def test_a_street_number_followed_by_ordinary_words_keeps_them(text):
    masked = mask(text).masked_text
    assert "营业厅" in masked or "London" in masked or "门口" in masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("安装地址:海淀区学院路20号院2号楼1503。", "安装地址:海淀区[ADDRESS]。"),
        ("正确地址是天河区体育东路8号维多利广场B座2805,", "正确地址是天河区[ADDRESS],"),
        ("地址:人民路5号3栋2024年就报修过", "地址:[ADDRESS]2024年就报修过"),
    ],
)
def test_a_flat_number_right_after_the_building_is_part_of_the_address(text, expected):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("成都市高新区天府大道北段1700号环球中心E2区1号楼", "成都市高新区[ADDRESS]"),
        ("觀塘道388號創紀之城1期23樓", "[ADDRESS]"),
        ("重庆市渝北区金开大道68号2栋5-3", "重庆市渝北区[ADDRESS]"),
    ],
)
def test_a_road_section_an_estate_phase_or_zone_and_a_floor_flat_pair_are_in_the_address(
    text, expected
):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系人:张伟-13812345678", "联系人:张伟-[PHONE]"),
        ("call John - 07700 900123", "call John - [PHONE]"),
    ],
)
def test_a_phone_after_a_name_and_a_dash_is_masked(text, expected):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize("text", ["单号DD-13812345678", "2026-03-15 14:30", "ref AB-13812345678"])
def test_a_number_continuing_a_code_after_a_dash_is_left_alone(text):
    assert mask(text).masked_text == text
