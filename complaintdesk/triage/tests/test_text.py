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


def test_half_a_character_is_read_as_the_replacement_character_everywhere():
    # A lone surrogate (JSON "\ud83d") crashed OpenCC, rjieba and the batch's UTF-32 pass.
    from complaintdesk.triage.engine import mask, predict
    from complaintdesk.triage.engine.dedupe import DuplicateDetector
    from complaintdesk.triage.engine.rules import RuleBasedTriager
    from complaintdesk.triage.engine.text import lone_surrogate_at, well_formed

    broken = "寬頻斷線\ud83d三天,電話13812345678"
    assert lone_surrogate_at(broken) == 4 and lone_surrogate_at("寬頻😡") is None
    assert well_formed(broken) == "寬頻斷線\ufffd三天,電話13812345678"
    assert mask(broken).masked_text == "寬頻斷線\ufffd三天,電話[PHONE]"
    assert detect_language("\udc00網路又斷線了") == "zh-Hant"
    one, batch = predict([broken]), predict([broken, "宽带\udc00断了", "fine"])
    assert one[0] == batch[0] and batch[0].masked_text.encode("utf-8")
    assert batch[0].category == "network"
    assert RuleBasedTriager().predict([broken])[0].category == "network"
    detector = DuplicateDetector()
    detector.add("first", "宽带断了三天,每天晚上都这样,请尽快处理")
    assert detector.query("宽带断了三天\ud83d,每天晚上都这样,请尽快处理") is not None
