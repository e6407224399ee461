"""Masking a batch at once gives exactly what masking each text alone gives."""

from itertools import pairwise

import pytest

from complaintdesk.triage.engine.pii import _SEPARATOR, mask, mask_batch
from complaintdesk.triage.tests.test_pii import VALID_CARD, VALID_ID, VALID_VISA

EVERY_KIND = [
    "请打我电话 138 1234 5678 联系",
    "我的電話是91234567",
    "+44 20 7946 0958 is my number",
    f"我的身份证号是{VALID_ID},请核实",
    f"扣款银行卡 {VALID_CARD} 被多扣了钱",
    "邮箱 zhang.san+tel@example.com.cn 收不到账单",
    "身份證 A123456(3) 被人冒用",
    "ID A123456789 was used for a contract I never signed",
    "我家住在中山路123号,信号很差",
    "上門地址:沙田第一城12座18樓F室,請安排師傅",
    "I live at 12 Baker Street, London",
    # Left alone: an order number, an amount, a hotline, a number already masked.
    "订单号:13812345678,一直没发货",
    "多收了1280元",
    "拨打客服热线400-820-1234没人接",
    "号码138****5678的用户",
    "",
    "没有任何个人信息的投诉",
]

# Neighbours that would make personal data if a batch let a match run from one text into
# the next, and texts that start or end on a number.
TOUCHING = [
    "电话138",
    "12345678",
    "a@b",
    ".cn",
    "中山路12",
    "3号",
    "12 Baker",
    " Street",
    "A123",
    "456(3)",
    "13812345678",
    "13812345678",
    VALID_VISA,
    "订单号",
    "13812345678",
    "幸福小区3栋",
    "2单元501室",
]

# Texts with the batch separator inside, digits on either side of it.
WITH_SEPARATOR = [
    f"电话{_SEPARATOR}13812345678",
    _SEPARATOR.join("1234567"),
    f"1234{_SEPARATOR}567 call 9123 4567",
    _SEPARATOR,
    f"{_SEPARATOR}中山路123号{_SEPARATOR}",
    f"mail a@b.cn{_SEPARATOR}12 Baker Street",
    # Seven ASCII digits only counting all pieces; with them the number expressions run and
    # mask the full-width phone.
    f"123{_SEPARATOR}4567{_SEPARATOR}电话１３８１２３４５６７８",
]


def _one_by_one(texts):
    return [mask(text) for text in texts]


def test_batch_masks_every_kind_like_one_text_at_a_time():
    results = mask_batch(EVERY_KIND)
    assert results == _one_by_one(EVERY_KIND)
    kinds = {span.kind for result in results for span in result.spans}
    assert kinds == {"phone", "id_number", "bank_card", "email", "address"}
    # The texts meant to be left alone are.
    assert [result.masked_text for result in results[11:]] == EVERY_KIND[11:]


@pytest.mark.parametrize("texts", [TOUCHING, TOUCHING[::-1], EVERY_KIND + TOUCHING])
def test_no_match_runs_across_the_boundary_between_two_texts(texts):
    assert mask_batch(texts) == _one_by_one(texts)


def test_every_pair_of_neighbours_is_masked_like_one_text_at_a_time():
    texts = EVERY_KIND + TOUCHING + WITH_SEPARATOR
    for first, second in pairwise(texts):
        assert mask_batch([first, second]) == _one_by_one([first, second]), (first, second)


def test_texts_containing_the_separator_are_masked_like_one_text_at_a_time():
    results = mask_batch(WITH_SEPARATOR)
    assert results == _one_by_one(WITH_SEPARATOR)
    assert results[0].masked_text == f"电话{_SEPARATOR}[PHONE]"
    assert results[-1].masked_text.endswith("电话[PHONE]")


def test_batches_of_one_and_none():
    assert mask_batch([]) == []
    for text in EVERY_KIND + TOUCHING + WITH_SEPARATOR:
        assert mask_batch([text]) == [mask(text)]
