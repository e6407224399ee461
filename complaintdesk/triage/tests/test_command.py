"""The ``triage`` management command (no database needed)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

LINES = [
    json.dumps(
        {"id": "a", "text": "这个月话费多扣了58元,我的电话13812345678,请退还"}, ensure_ascii=False
    ),
    "this is not json",
    json.dumps(
        {"id": "b", "text": "這個月話費多扣了58元，我的電話13899990000，請退還"}, ensure_ascii=False
    ),
    json.dumps({"id": "c"}),
    json.dumps({"id": "d", "text": 42}),
    json.dumps({"id": "e", "text": "My fibre drops every evening, please fix it."}),
]
REQUIRED_KEYS = {
    "id",
    "lang",
    "category",
    "category_confidence",
    "nature",
    "emotion",
    "motive",
    "behaviour",
    "crisis",
    "crisis_signals",
    "masked_text",
    "explanations",
}


@pytest.fixture
def input_file(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def test_predict_writes_one_line_per_good_input_and_names_bad_lines(input_file, tmp_path):
    output = tmp_path / "out.jsonl"
    errors = io.StringIO()
    with pytest.raises(CommandError, match="3 input line"):
        call_command(
            "triage", "predict", "--input", str(input_file), "--output", str(output), stderr=errors
        )
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [record["id"] for record in records] == ["a", "b", "e"]
    for record in records:
        assert set(record) >= REQUIRED_KEYS
        assert isinstance(record["crisis"], bool)
    assert records[0]["masked_text"] == "这个月话费多扣了58元,我的电话[PHONE],请退还"
    assert records[0]["category"] == "billing"
    assert records[1]["lang"] == "zh-Hant"
    assert records[2]["lang"] == "en"
    message = errors.getvalue()
    assert "line 2:" in message and "line 4:" in message and "line 5:" in message


def test_dedupe_points_at_the_earlier_line(input_file, tmp_path):
    output = tmp_path / "dedupe.jsonl"
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "triage", "dedupe", "--input", str(input_file), "--output", str(output), stderr=errors
        )
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert records[0] == {"id": "a", "duplicate_of": None, "score": None}
    assert (
        records[1]["id"] == "b" and records[1]["duplicate_of"] == "a" and records[1]["score"] >= 0.7
    )
    assert records[2]["duplicate_of"] is None
    assert "line 2:" in errors.getvalue()


def test_predict_reads_stdin_and_writes_stdout(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(LINES[0] + "\n"))
    out = io.StringIO()
    call_command("triage", "predict", stdout=out)
    [record] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert record["id"] == "a"


def test_evaluate_prints_macro_f1_and_confusion_matrices(tmp_path):
    data = tmp_path / "labelled.jsonl"
    rows = [
        {
            "id": "1",
            "industry": "telecom",
            "text": "家里宽带天天断网,请派人修",
            "category": "network",
            "nature": "general",
            "emotion": "neutral",
            "motive": "improvement",
            "behaviour": "passive",
            "crisis_signals": [],
        },
        {
            "id": "2",
            "industry": "telecom",
            "text": "话费被多扣了100元,我要投诉到工信部!",
            "category": "billing",
            "nature": "major",
            "emotion": "anger",
            "motive": "compensation",
            "behaviour": "activist",
            "crisis_signals": ["regulator"],
        },
    ]
    data.write_text(
        "\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8"
    )
    out = io.StringIO()
    call_command("triage", "evaluate", "--data", str(data), stdout=out)
    text = out.getvalue()
    assert "category" in text and "macro-F1" in text and "crisis any" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["predict", "--input", "/nonexistent/in.jsonl"], "cannot read --input"),
        (["dedupe", "--input", "/nonexistent/in.jsonl"], "cannot read --input"),
        (["predict", "--model", "/nonexistent-model"], "no triage model"),
        (["evaluate", "--data", "/nonexistent/labelled.jsonl"], "nonexistent"),
    ],
)
def test_missing_files_and_models_are_clear_errors(arguments, message, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(LINES[0] + "\n"))
    with pytest.raises(CommandError, match=message):
        call_command("triage", *arguments, stdout=io.StringIO())


def test_an_output_in_a_missing_folder_is_a_clear_error(input_file, tmp_path):
    with pytest.raises(CommandError, match="cannot write --output"):
        call_command(
            "triage", "predict", "--input", str(input_file), "--output", str(tmp_path / "no/out")
        )


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"category": "nonsense"}, 'record 2: category "nonsense" is not one of'),
        ({"nature": "catastrophic"}, 'record 2: nature "catastrophic"'),
        ({"emotion": "joy"}, 'record 2: emotion "joy"'),
        ({"industry": "mars"}, 'record 2: industry "mars"'),
        ({"crisis_signals": ["aliens"]}, 'record 2: crisis signal "aliens"'),
    ],
)
def test_evaluate_names_a_label_outside_the_label_set(tmp_path, record, message):
    data = tmp_path / "labelled.jsonl"
    good = {"id": "1", "text": "家里宽带天天断网,请派人修", "category": "network"}
    bad = {"id": "2", "text": "话费被多扣了100元", "category": "billing", **record}
    data.write_text(
        "\n".join(json.dumps(row, ensure_ascii=False) for row in (good, bad)) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=message):
        call_command("triage", "evaluate", "--data", str(data), stdout=io.StringIO())


def test_evaluate_refuses_a_file_without_examples(tmp_path):
    data = tmp_path / "empty.jsonl"
    data.write_text("\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no labelled examples"):
        call_command("triage", "evaluate", "--data", str(data), stdout=io.StringIO())


def _write_lines(path, rows):
    path.write_text(
        "\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8"
    )
    return path


def test_train_names_a_bad_label_in_the_extra_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_lines(corpus / "a.jsonl", [{"id": "1", "text": "宽带断网", "category": "network"}])
    extra = _write_lines(
        tmp_path / "bad.jsonl", [{"id": "2", "text": "话费多扣", "category": "nonsense"}]
    )
    arguments = ["--corpus", str(corpus), "--extra", str(extra), "--output", str(tmp_path / "m")]
    with pytest.raises(CommandError, match='record 1: category "nonsense" is not one of'):
        call_command("triage", "train", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    ("corpus", "message"),
    [
        ("missing", "--corpus .*missing is not a folder"),
        ("empty", "--corpus .*empty holds no"),
        ("tiny", "fewer than two labels|no training examples"),
    ],
)
def test_train_without_enough_examples_is_a_clear_error(tmp_path, corpus, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "tiny").mkdir()
    _write_lines(
        tmp_path / "tiny" / "a.jsonl", [{"id": "1", "text": "宽带断网", "category": "network"}]
    )
    arguments = ["--corpus", str(tmp_path / corpus), "--output", str(tmp_path / "m")]
    with pytest.raises(CommandError, match=message):
        call_command("triage", "train", *arguments, stdout=io.StringIO(), stderr=io.StringIO())


def test_train_with_a_missing_extra_file_is_a_clear_error(tmp_path):
    arguments = ["--extra", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "m")]
    with pytest.raises(CommandError, match=r"cannot read --extra .*nope\.jsonl"):
        call_command("triage", "train", *arguments, stdout=io.StringIO())


def test_evaluate_names_a_missing_data_file_without_the_errno(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("triage", "evaluate", "--data", "nope.jsonl", stdout=io.StringIO())
    assert str(caught.value) == "cannot read --data nope.jsonl: No such file or directory"


@pytest.mark.parametrize("action", ["predict", "dedupe"])
def test_half_a_character_is_named_and_the_lines_around_it_go_on(action, tmp_path):
    # "\ud83d" alone is valid JSON and a valid Python string, but no UTF-8 output takes it:
    # the whole run used to stop with a UnicodeEncodeError and lose every line of its batch.
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "宽带断了三天 \ud83d\ude21"},  # a whole emoji, escaped as a pair
        {"id": "b", "text": "宽带断了\ud83d三天"},
        {"id": "\udc00", "text": "My fibre drops every evening."},
        {"id": "d", "text": "My fibre drops every evening, please fix it."},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    errors = io.StringIO()
    with pytest.raises(CommandError, match="2 input line"):
        call_command("triage", action, "--input", str(path), "--output", str(output), stderr=errors)
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [record["id"] for record in records] == ["a", "d"]
    if action == "predict":
        assert records[0]["masked_text"] == "宽带断了三天 😡"
    message = errors.getvalue()
    assert 'line 2: "text" holds half of a character' in message
    assert "at character 5" in message
    assert 'line 3: "id" holds half of a character' in message


def test_a_byte_order_mark_is_skipped_and_a_line_not_in_utf8_is_named(tmp_path):
    # Windows Notepad saves "UTF-8 with BOM"; a GBK line used to stop the run with a traceback.
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        "\ufeff".encode()
        + (json.dumps({"id": "a", "text": "宽带断了三天"}, ensure_ascii=False) + "\n").encode()
        + (json.dumps({"id": "b", "text": "宽带断了三天"}, ensure_ascii=False) + "\n").encode("gbk")
        + (json.dumps({"id": "c", "text": "My fibre drops every evening."}) + "\n").encode()
    )
    output = tmp_path / "out.jsonl"
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 input line"):
        call_command(
            "triage", "predict", "--input", str(path), "--output", str(output), stderr=errors
        )
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [record["id"] for record in records] == ["a", "c"]
    assert "line 2: not UTF-8 text" in errors.getvalue()
    assert "save the file as UTF-8" in errors.getvalue()


def test_evaluate_names_a_line_not_in_utf8_and_takes_a_byte_order_mark(tmp_path):
    record = {"id": "a", "text": "宽带断了三天", "industry": "telecom", "category": "network"}
    line = json.dumps(record, ensure_ascii=False) + "\n"
    data = tmp_path / "labelled.jsonl"
    data.write_bytes("\ufeff".encode() + line.encode() + line.encode("gbk"))
    with pytest.raises(CommandError, match=r"labelled.jsonl:2: not UTF-8 text .* save the file"):
        call_command("triage", "evaluate", "--data", str(data), stdout=io.StringIO())
    data.write_bytes("\ufeff".encode() + line.encode())
    out = io.StringIO()
    call_command("triage", "evaluate", "--data", str(data), stdout=out)
    assert "1 examples" in out.getvalue()


def test_the_command_line_names_bad_lines_and_nothing_else_on_stderr(tmp_path):
    # The system checks (database, calendars) ran before every triage run, put their
    # warnings among the lines naming bad input and cost over a second.
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "in.jsonl"
    path.write_text(LINES[0] + "\nnot json\n", encoding="utf-8")
    completed = subprocess.run(  # noqa: S603 -- our own interpreter and entry point
        [sys.executable, "-m", "complaintdesk", "triage", "predict", "--input", str(path)],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert json.loads(completed.stdout)["id"] == "a"
    assert completed.stderr.splitlines() == [
        "line 2: not valid JSON (Expecting value)",
        "CommandError: 1 input line(s) could not be processed",
    ]
