"""The installation checks: missing vendored front-end files are reported, not silent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import checks

from complaintdesk.core import checks as core_checks


def test_missing_vendor_files_are_a_warning_that_says_how_to_fetch_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "echarts.min.js").write_text("/* charts */")
    (tmp_path / "htmx.min.js").write_text("")  # an interrupted download counts as missing
    monkeypatch.setattr(core_checks, "VENDOR_DIR", tmp_path)
    [warning] = core_checks.check_vendor_assets()
    assert warning.id == "core.W001"
    assert warning.level == checks.WARNING
    assert "htmx.min.js" in warning.msg and "echarts" not in warning.msg
    assert "bash scripts/vendor-assets.sh" in str(warning.hint)


def test_no_warning_when_the_vendor_files_are_there(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in core_checks.VENDOR_ASSETS:
        (tmp_path / name).write_text("/* library */")
    monkeypatch.setattr(core_checks, "VENDOR_DIR", tmp_path)
    assert core_checks.check_vendor_assets() == []


def test_the_check_runs_with_the_system_checks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(core_checks, "VENDOR_DIR", tmp_path)
    found = checks.run_checks(tags=[checks.Tags.staticfiles])
    assert "core.W001" in [message.id for message in found]
