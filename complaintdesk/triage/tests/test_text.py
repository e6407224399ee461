import pytest

from complaintdesk.triage.engine import detect_language
from complaintdesk.triage.engine.text import normalise_for_features, tokenise


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("这个月话费莫名其妙多扣了五十八块钱", "zh-Hans"),
        ("我的iPhone 15 Pro合约机信号一直不好", "zh-Hans"),
        ("這個月的帳單多收了我兩百塊,客服也不處理", "zh-Hant"),
        ("網路又斷線了", "zh-Hant"),
        ("My broadband has been down since Monday and nobody calls back.", "en"),
        ("No signal again!!", "en"),
        ("Mi factura de este mes es incorrecta y nadie me responde.", "other"),
        ("今月の請求額が間違っています", "other"),
        ("12345 !!!", "other"),
    ],
)
def test_language_detection(text, language):
    assert detect_language(text) == language


def test_features_see_simplified_half_width_lower_case_text():
    assert normalise_for_features("網路訊號ＡＢＣ，１２３！  OK") == "网路讯号abc,123! ok"


def test_traditional_and_simplified_give_the_same_tokens():
    assert tokenise(normalise_for_features("寬頻斷線")) == tokenise(
        normalise_for_features("宽频断线")
    )
