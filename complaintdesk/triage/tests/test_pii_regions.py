"""Personal data written the Hong Kong and Taiwan way, flats without a street, and the
business numbers that are not personal data."""

import pytest

from complaintdesk.triage.engine import mask
from complaintdesk.triage.engine.pii import hong_kong_id_is_valid, mask_batch, taiwan_id_is_valid


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


def _assert_address_masked(text: str, address: str) -> None:
    """The address is masked from its first number to its end; the text after it stays."""
    result = mask(text)
    masked = result.masked_text
    assert mask_batch([text]) == [result]
    rest = text[text.index(address) + len(address) :]
    assert masked.endswith("[ADDRESS]" + rest), masked
    first_number = next(
        i for i, char in enumerate(address) if char.isdigit() or char in "一二三四五六七八九十"
    )
    assert masked.index("[ADDRESS]") <= text.index(address) + first_number, masked


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # An entrance (门) after the building, and the flat number straight after it.
        ("住在东湖小区7号楼2门302，晚上经常断网", "东湖小区7号楼2门302"),
        ("家住和平新村12號樓1門402,網速很慢", "和平新村12號樓1門402"),
        # A room (房) as the flat.
        ("地址：越秀区东山花园8栋1203房，请上门", "东山花园8栋1203房"),
        # A phase (期), a block named by a letter alone (B座) and the flat after it.
        ("住址宝安区西乡街道星河时代广场2期7栋B座1906，装机拖了两周", "星河时代广场2期7栋B座1906"),
        ("住喺時代廣場B座2301,成日斷線", "時代廣場B座2301"),
        # One building part is enough when a flat number follows it.
        ("家住江北区观音桥小区3栋12-4，每晚掉线", "观音桥小区3栋12-4"),
        ("住淮海路小区2栋8-1", "淮海路小区2栋8-1"),
        ("家住金桥小区6号楼1503,网速慢", "金桥小区6号楼1503"),
        ("公司搬到了国贸中心A座1508,宽带还没迁", "国贸中心A座1508"),
        # More estate words: 城, 家园, 大楼.
        ("住在万科城5栋2单元801", "万科城5栋2单元801"),
        ("住在阳光家园16号楼3单元502室", "阳光家园16号楼3单元502室"),
        ("寄到华侨大楼12层1205室", "华侨大楼12层1205室"),
        # Villages: the village group (组) and the house number.
        ("老家在安徽省六安市霍山县青石村四组18号，信号很差", "青石村四组18号"),
        ("我是湖北省孝感市云梦县新桥镇李家村6组105号的村民", "李家村6组105号"),
        # A street address whose building has an entrance.
        ("地址：建设路12号4栋2门301", "建设路12号4栋2门301"),
    ],
)
def test_estates_villages_and_their_flats_are_masked(text, address):
    _assert_address_masked(text, address)


@pytest.mark.parametrize(
    "text",
    [
        "营业厅在3楼,排了很久",
        "我们小区5号楼信号特别差",
        "幸福小区5号楼2024年就有人投诉过",
        "小区3期的网络一直不好",
        "阳光家园5栋都停电了",
        "万达广场3楼的营业厅",
        "营业厅服务中心3楼2号窗口排队",
        "村里三组的人都没信号",
        "城里3个营业厅都关门",
        "2026年换的套餐,每月扣128元",
        "订单号20260315123456还没发货",
        "广场A座门口的营业厅",
    ],
)
def test_floors_phases_and_groups_alone_are_not_addresses(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ordinal street names.
        (
            "Service address: Apt 4C, 310 W 72nd St, New York, NY 10023. Still no dial tone.",
            "Service address: [ADDRESS]. Still no dial tone.",
        ),
        ("The router went to 18 E 41st Street instead.", "The router went to [ADDRESS] instead."),
        # A house number is an address: a street after it is enough.
        ("Please send it to 2 Main Street today.", "Please send it to [ADDRESS] today."),
        # Right after a Chinese character.
        ("師傅話Flat 6A, Block 9, Taikoo Shing, Quarry Bay冇位", "師傅話[ADDRESS]冇位"),
        ("地址係12 Baker Street", "地址係[ADDRESS]"),
        # The street type first (French), accented towns and Canadian postcodes.
        (
            "The tech came to 215 Rue Sainte-Catherine, Apt 7, Montréal, QC H3B 1A7 late.",
            "The tech came to [ADDRESS] late.",
        ),
        (
            "Bill goes to 1200 Boulevard René-Lévesque, Montréal, QC H3B 4W8 now",
            "Bill goes to [ADDRESS] now",
        ),
        ("Ship to 77 Maple Avenue, Ottawa, ON K1P 5G4 please", "Ship to [ADDRESS] please"),
        # Indian PIN and Singapore postcodes after the town.
        ("Shift it to 14 MG Road, Pune 411001 next week", "Shift it to [ADDRESS] next week"),
        # Addresses listed part by part with a postcode at the end (Irish and Indian style).
        (
            "Apartment 9, The Willows, Rathgar Road, Dublin 6, D06 K2P3 - no signal.",
            "[ADDRESS] - no signal.",
        ),
        (
            "Fibre at Flat 205, Green Meadows Apartments, 5th Cross, Koramangala, "
            "Bengaluru 560034 is down.",
            "Fibre at [ADDRESS] is down.",
        ),
        (
            "new address No. 27, 2nd Main Road, Anna Nagar, Chennai 600040 for shifting",
            "new address [ADDRESS] for shifting",
        ),
        (
            "connection at C-1104, Hiranandani Gardens, Powai, Mumbai 400076 down",
            "connection at [ADDRESS] down",
        ),
        # Singapore HDB flats: block, street, #floor-unit and postcode.
        (
            "address Blk 118 Ang Mo Kio Ave 4 #11-305, Singapore 560118 and email",
            "address [ADDRESS] and email",
        ),
        ("at Block 5 Jurong West St 42 #03-12 Singapore 640005, thanks", "at [ADDRESS], thanks"),
        # A Hong Kong flat named by block keeps the places after it.
        ("Flat 2C, Block 7, Mei Foo, Kowloon. Please call.", "[ADDRESS]. Please call."),
    ],
)
def test_addresses_written_the_indian_irish_canadian_and_singapore_ways_are_masked(text, expected):
    result = mask(text)
    assert result.masked_text == expected
    assert mask_batch([text]) == [result]


@pytest.mark.parametrize(
    "text",
    [
        "the 3rd Party team never called back",
        "5th Floor reception was closed",
        "I waited 2 hours, Monday and Tuesday",
        "our Dublin 6 office never answered",
        "the Mumbai 400001 branch is closed",
        "Ticket 4521, Billing Team, Pune 411001 is still open",
        "I paid Rs 1,200, Broadband Plan, Mumbai 400001 on 3 March",
        "order 12345 arrived on 2026-03-15, 3 days late",
        "Block 5 of the form was blank",
        "I was charged $45.83 in August 2026",
    ],
)
def test_ordinals_towns_references_and_amounts_alone_are_not_addresses(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    "text",
    [
        f"客戶{_taiwan_id('G21564738').lower()}（網路表單小寫）反映帳單錯誤",
        f"證件號碼 {_hong_kong_id('P351827').lower()} 申請被拒",
        f"HKID {_hong_kong_id('K274518')[:1].lower()}{_hong_kong_id('K274518')[1:]}",
    ],
)
def test_ids_typed_in_lower_case_are_masked(text):
    result = mask(text)
    assert [span.kind for span in result.spans] == ["id_number"], result.masked_text
    assert mask_batch([text]) == [result]


@pytest.mark.parametrize(
    "text",
    [
        # Without brackets a lower-case letter and seven digits is any code.
        f"code {_hong_kong_id('K274518').lower().replace('(', '').replace(')', '')} expired",
        "型號 g215647380 的機器",  # fails the Taiwan checksum
    ],
)
def test_lower_case_codes_without_an_id_shape_are_left_alone(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    "text",
    [
        "calling 0808 157 0192 should be free",
        "I was charged for calling 0845 712 3456",
        "客服專線0800-211-987一直忙線",
        "Called 1-800-444-0199 four times",
    ],
)
def test_toll_free_and_service_numbers_are_not_personal_data(text):
    assert mask(text).masked_text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Mainland mobiles beginning 180… and a Zhaotong landline (area code 0870) stay phones.
        ("手机18004567890停机了", "手机[PHONE]停机了"),
        ("座机0870-2123456打不通", "座机[PHONE]打不通"),
        ("订单号 12345 电话 13812345678", "订单号 12345 电话 [PHONE]"),
    ],
)
def test_personal_numbers_like_service_numbers_are_still_masked(text, expected):
    assert mask(text).masked_text == expected


@pytest.mark.parametrize(
    "text",
    [
        "儲值卡序號 4521 3378 9012 6645 沒入帳",
        "增值卡序号5523 0047 2286 1190,余额没到",
        "tracking 6031 2245 7789 2216 shows delivered",
    ],
)
def test_serial_and_tracking_numbers_in_groups_of_four_are_left_alone(text):
    assert mask(text).masked_text == text
