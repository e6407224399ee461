# ruff: noqa: E501 -- whole complaint texts read better unsplit.
import pytest

from complaintdesk.triage.engine import DuplicateDetector

ORIGINAL = "这个月话费莫名其妙多扣了58元,我的手机号13812345678,客服说三天内回电,到现在也没有消息,请尽快核实并退还!"


@pytest.fixture
def detector():
    index = DuplicateDetector()
    index.add("c-1", ORIGINAL)
    index.add("c-2", "家里宽带每天晚上八点以后就断网,已经一个星期了,约好的师傅一直没有上门。")
    index.add(
        "c-3", "My router overheats and shuts down every afternoon, please send a replacement."
    )
    return index


@pytest.mark.parametrize(
    "near_copy",
    [
        # punctuation and spacing changed
        "这个月话费莫名其妙多扣了58元。我的手机号13812345678 客服说三天内回电 到现在也没有消息 请尽快核实并退还!!!",
        # traditional script and full-width forms
        "這個月話費莫名其妙多扣了５８元，我的手機號13812345678，客服說三天內回電，到現在也沒有消息，請儘快核實並退還！",
        # another phone tail, and digits the customer masked
        "这个月话费莫名其妙多扣了58元,我的手机号13899990000,客服说三天内回电,到现在也没有消息,请尽快核实并退还!",
        "这个月话费莫名其妙多扣了58元,我的手机号138****5678,客服说三天内回电,到现在也没有消息,请尽快核实并退还!",
        # the same customer re-sending with a line added
        "再次反映:这个月话费莫名其妙多扣了58元,我的手机号13812345678,客服说三天内回电,到现在也没有消息,请尽快核实并退还!",
    ],
)
def test_near_copies_are_found_as_duplicates(detector, near_copy):
    match = detector.query(near_copy)
    assert match is not None
    assert match.key == "c-1"
    assert match.score >= detector.threshold


@pytest.mark.parametrize(
    "look_alike",
    [
        # same frame, another amount
        "这个月话费莫名其妙多扣了258元,我的手机号13812345678,客服说三天内回电,到现在也没有消息,请尽快核实并退还!",
        # same frame, another problem
        "这个月流量费莫名其妙多扣了58元,我的手机号13812345678,客服说三天内回电,到现在也没有消息,请尽快核实并退还!",
        # same frame, another time
        "家里宽带每天早上七点以后就断网,已经一个星期了,约好的师傅一直没有上门。",
        "My router overheats and shuts down every morning, please send a replacement.",
    ],
)
def test_look_alikes_with_other_facts_are_not_duplicates(detector, look_alike):
    assert detector.query(look_alike) is None
    # …but agents still find them with the similar-complaint search.
    assert detector.similar(look_alike, k=1)


def test_unrelated_complaint_has_no_duplicate(detector):
    assert detector.query("营业厅工作人员态度恶劣,我要求道歉。") is None


def test_similar_search_ranks_by_score(detector):
    detector.add("c-4", "这个月话费莫名其妙多扣了58元,请尽快核实并退还!")
    results = detector.similar(ORIGINAL, k=3)
    assert [result.key for result in results[:2]] == ["c-1", "c-4"]
    assert results[0].score >= results[1].score


def test_the_same_key_cannot_be_indexed_twice(detector):
    with pytest.raises(KeyError):
        detector.add("c-1", "anything")
