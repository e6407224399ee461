"""How many business-time deadlines per second the calendar engine computes.

    .venv/bin/python bench/calendar.py [--count 200000]

Uses the built-in calendars exactly as the data migration defines them (no database), with
random start instants over 2025–2026 and a mix of the time limits complaints carry.
"""

import sys
from pathlib import Path

# Run as a script, this folder would come first on sys.path and this file's name would
# shadow the standard library's calendar module; put the project root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import importlib  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from complaintdesk.calendars.engine import (  # noqa: E402
    WorkingCalendar,
    add_business_time,
    business_time_between,
)

LIMITS = [timedelta(hours=h) for h in (2, 4, 8, 24, 37.5, 48)]


def builtin_calendars() -> dict[str, WorkingCalendar]:
    migration = importlib.import_module("complaintdesk.calendars.migrations.0002_builtin_calendars")
    return {
        spec["name"]: WorkingCalendar.from_spec(
            time_zone=spec["time_zone"],
            weekly_hours=spec["weekly_hours"],
            holiday_region=spec["holiday_region"] or None,
            name=spec["name"],
        )
        for spec in migration.BUILTIN_CALENDARS
    }


def rate(count: int, work: Callable[[], None]) -> float:
    began = time.perf_counter()
    work()
    return count / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    count = parser.parse_args().count
    rng = random.Random(20251001)
    span = int(
        (datetime(2026, 10, 31, tzinfo=UTC) - datetime(2025, 1, 1, tzinfo=UTC)).total_seconds()
    )
    base = datetime(2025, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(seconds=rng.randrange(span)) for _ in range(count)]
    limits = [rng.choice(LIMITS) for _ in range(count)]
    print(f"{count:,} random starts in 2025-01-01..2026-10-31, limits of 2 h to 48 h")

    for name, calendar in builtin_calendars().items():
        began = time.perf_counter()
        add_business_time(calendar, starts[0], limits[0])
        cold_ms = (time.perf_counter() - began) * 1000

        deadlines: list[datetime] = []

        def deadlines_run(c: WorkingCalendar = calendar, out: list[datetime] = deadlines) -> None:
            out.extend(add_business_time(c, s, d) for s, d in zip(starts, limits, strict=True))

        def between_run(c: WorkingCalendar = calendar, out: list[datetime] = deadlines) -> None:
            for s, e in zip(starts, out, strict=True):
                business_time_between(c, s, e)

        per_second = rate(count, deadlines_run)
        between_per_second = rate(count, between_run)
        print(
            f"{name:10} deadlines {per_second:>10,.0f}/s   between {between_per_second:>10,.0f}/s"
            f"   1,000,000 deadlines ≈ {1_000_000 / per_second:.1f} s   first call {cold_ms:.1f} ms"
        )


if __name__ == "__main__":
    main()
