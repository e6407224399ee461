"""System checks of the installation (run by `manage.py check`, `runserver` and `migrate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core import checks

# The browser libraries scripts/vendor-assets.sh fetches; they are not in the repository.
VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"
VENDOR_ASSETS = ("htmx.min.js", "echarts.min.js")


def check_vendor_assets(**kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the vendored front-end files are missing: the pages would still load, but
    without htmx nothing updates in place and the dashboard draws no charts, and nothing
    else says why."""
    missing = [
        name
        for name in VENDOR_ASSETS
        if not (VENDOR_DIR / name).is_file() or (VENDOR_DIR / name).stat().st_size == 0
    ]
    if not missing:
        return []
    return [
        checks.Warning(
            f"Front-end files missing from {VENDOR_DIR}: {', '.join(missing)}. The web UI "
            "loads without them and its buttons and charts do not work.",
            hint="Run `bash scripts/vendor-assets.sh` (or `make setup`) to fetch them.",
            id="core.W001",
        )
    ]
