"""`complaintdesk calendar deadline|between` on the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

DEADLINE_2026 = ("deadline", "--calendar", "cn-office", "--start", "2026-09-30T17:00+08:00")
BETWEEN_OFFICE = ("between", "--calendar", "cn-office", "--start")


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().strip()


def test_deadline_after_national_day_2025_prints_iso_time_with_offset() -> None:
    printed = run(
        "deadline", "--calendar", "cn-office", "--start", "2025-09-30T17:30+08:00", "--hours", "24"
    )
    assert printed == "2025-10-13T10:00:00+08:00"


def test_deadline_is_printed_in_the_calendars_zone_for_a_utc_start() -> None:
    printed = run(
        "deadline", "--calendar", "cn-office", "--start", "2026-09-30T09:30Z", "--hours", "24"
    )
    assert printed == "2026-10-12T10:00:00+08:00"


def test_fractional_hours_are_accepted() -> None:
    printed = run(
        "deadline", "--calendar", "cn-office", "--start", "2025-09-03T11:00+08:00", "--hours", "1.5"
    )
    assert printed == "2025-09-03T14:00:00+08:00"


def test_between_prints_whole_business_minutes() -> None:
    printed = run(
        "between",
        "--calendar",
        "cn-office",
        "--start",
        "2025-09-30T17:30+08:00",
        "--end",
        "2025-10-13T10:00+08:00",
    )
    assert printed == "1440"


def test_between_in_calendar_hours_counts_the_holiday() -> None:
    printed = run(
        "between",
        "--calendar",
        "cn-24x7",
        "--start",
        "2025-10-01T00:00+08:00",
        "--end",
        "2025-10-01T12:34:59+08:00",
    )
    assert printed == str(12 * 60 + 34)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["deadline", "--calendar", "nope", "--start", "2025-09-30T17:30+08:00", "--hours", "1"],
            "no business calendar named 'nope' (known: cn-24x7, cn-office, hk-office)",
        ),
        (
            ["deadline", "--calendar", "cn-office", "--start", "2025-09-30T17:30", "--hours", "1"],
            "has no UTC offset",
        ),
        (
            ["deadline", "--calendar", "cn-office", "--start", "30/09/2025", "--hours", "1"],
            "is not an ISO 8601 time",
        ),
        (
            ["deadline", "--calendar", "cn-office", "--start", "2025-09-30T17:30Z", "--hours=-1"],
            "must not be negative",
        ),
        (
            ["deadline", "--calendar", "cn-office", "--start", "2025-09-30T17:30Z", "--hours", "x"],
            "is not a number of hours",
        ),
        (
            [
                "deadline",
                "--calendar",
                "cn-office",
                "--start",
                "2025-09-30T17:30Z",
                "--hours",
                "nan",
            ],
            "is not a number of hours",
        ),
        (
            ["between", "--calendar", "cn-office", "--start", "2025-09-30T17:30Z", "--end", "soon"],
            "--end 'soon' is not an ISO 8601 time",
        ),
        (
            [*DEADLINE_2026, "--hours", "1e12"],
            "--hours 1e12 is more than a time span can hold",
        ),
        (
            ["deadline", "--calendar", "cn-24x7", *DEADLINE_2026[3:], "--hours", "1e10"],
            "beyond the year 9999",
        ),
        (
            [*BETWEEN_OFFICE, "0001-01-01T00:00+08:00", "--end", "9999-12-31T00:00+08:00"],
            "outside the years 1 to 9999",
        ),
    ],
)
def test_bad_input_is_a_command_error_with_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)


def test_bad_input_exits_non_zero_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = "complaintdesk calendar deadline --calendar nope --start 2025-09-30T17:30Z --hours 1"
    utility = ManagementUtility(argv.split())
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code == 1
    assert "no business calendar named 'nope'" in capsys.readouterr().err


def test_missing_argument_exits_non_zero_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = "complaintdesk calendar between --calendar cn-office --start 2025-09-30T17:30Z"
    utility = ManagementUtility(argv.split())
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code == 2
    assert "--end" in capsys.readouterr().err
