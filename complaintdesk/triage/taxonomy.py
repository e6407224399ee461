"""The classification taxonomy: the five coded dimensions and the industry presets.

Presets are YAML files in triage/presets/. Loading one adds missing entries and updates
labels and codes of existing keys; it never deletes, so complaints keep their classification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.models import TaxonomyEntry

PRESETS_DIR = Path(__file__).resolve().parent / "presets"


def available_presets() -> list[str]:
    return sorted(path.stem for path in PRESETS_DIR.glob("*.yaml"))


def read_preset(name: str) -> dict[str, Any]:
    path = PRESETS_DIR / f"{name}.yaml"
    if not path.exists():
        raise ValueError(
            f"unknown industry preset {name!r}; choose one of {', '.join(available_presets())}"
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "dimensions" not in data:
        raise ValueError(f"preset {name!r} has no 'dimensions' mapping")
    return data


def _upsert(dimension: str, item: dict[str, Any], parent: TaxonomyEntry | None, order: int) -> int:
    entry, created = TaxonomyEntry.objects.update_or_create(
        dimension=dimension,
        key=item["key"],
        defaults={
            "code": item["code"],
            "label_en": item["en"],
            "label_zh": item["zh"],
            "parent": parent,
            "sort_order": order,
        },
    )
    count = int(created)
    for child_order, child in enumerate(item.get("children", []), start=1):
        count += _upsert(dimension, child, entry, child_order)
    return count


def taxonomy_load_preset(name: str) -> int:
    """Load an industry preset; returns how many entries were created."""
    data = read_preset(name)
    created = 0
    with transaction.atomic():
        for dimension, items in data["dimensions"].items():
            if dimension not in Dimension.values:
                raise ValueError(f"preset {name!r} names unknown dimension {dimension!r}")
            for order, item in enumerate(items, start=1):
                created += _upsert(dimension, item, None, order)
    return created
