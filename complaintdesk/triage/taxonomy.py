"""The classification taxonomy: the five coded dimensions, industry presets, import and export.

Presets are YAML files in triage/presets/ and use the same schema as an export file:

    dimensions:
      content:
        - {key: network, code: NET, en: Network, zh: 网络类, grouping: {ch4: technical},
           children: [{key: network.speed, code: NET-02, en: Network speed, zh: 网络速度}]}

An entry may also name its `parent` by key instead of being nested, and say `active: false`
to be retired. Importing adds missing entries and updates existing ones by key; it never
deletes, so complaints keep their classification. An entry without `active` keeps its
current state (new entries start active), so reloading a preset does not revive what an
administrator retired.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from complaintdesk.complaints.errors import Conflict, InvalidInput
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.models import OrganisationProfile, TaxonomyEntry

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
DEFAULT_INDUSTRY = "telecom"
EXPORT_FORMAT = "complaintdesk-taxonomy"
EXPORT_VERSION = 1
FORMATS = ("yaml", "json")
# A file is a handful of dimensions with tens of entries each; the cap stops a file of YAML
# aliases from expanding into millions of entries.
MAX_ENTRIES = 5000

_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ENTRY_FIELDS = frozenset(
    {"key", "code", "en", "zh", "grouping", "active", "children", "parent", "order"}
)
_FILE_FIELDS = frozenset({"format", "version", "preset", "label_en", "label_zh", "dimensions"})
_MAX_LENGTH = {
    "key": TaxonomyEntry._meta.get_field("key").max_length or 60,
    "code": TaxonomyEntry._meta.get_field("code").max_length or 40,
    "en": TaxonomyEntry._meta.get_field("label_en").max_length or 120,
    "zh": TaxonomyEntry._meta.get_field("label_zh").max_length or 120,
}
_MAX_PROBLEMS_SHOWN = 10


# ---- presets and the organisation's industry ------------------------------------------------


def available_presets() -> list[str]:
    return sorted(path.stem for path in PRESETS_DIR.glob("*.yaml"))


def read_preset(name: str) -> dict[str, Any]:
    path = PRESETS_DIR / f"{name}.yaml"
    if name not in available_presets():
        raise ValueError(
            f"unknown industry preset {name!r}; choose one of {', '.join(available_presets())}"
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "dimensions" not in data:
        raise ValueError(f"preset {name!r} has no 'dimensions' mapping")
    return data


def taxonomy_load_preset(name: str) -> int:
    """Load an industry preset; returns how many entries were created."""
    return len(taxonomy_import(read_preset(name)).created)


def current_industry() -> str:
    """The industry chosen at set-up; triage uses that industry's category head."""
    industry = OrganisationProfile.objects.filter(pk=1).values_list("industry", flat=True).first()
    return industry or DEFAULT_INDUSTRY


def _activate_all(entries: list[Any]) -> None:
    for entry in entries:
        if isinstance(entry, dict):
            entry["active"] = True
            _activate_all(entry.get("children") or [])


def organisation_industry_set(*, industry: str) -> int:
    """Load the industry's preset and record it as the organisation's industry.

    Loading the same industry again keeps what an administrator retired or added. Switching to
    another industry retires the entries that preset lacks and brings back the ones it has, so
    only the new industry's values are offered; complaints keep theirs. Returns how many
    entries were created; raises ValueError for an unknown industry.
    """
    data = read_preset(industry)
    switching = current_industry() != industry and TaxonomyEntry.objects.exists()
    if switching:
        for entries in data["dimensions"].values():
            _activate_all(entries if isinstance(entries, list) else [])
    with transaction.atomic():
        created = len(taxonomy_import(data, retire_missing=switching).created)
        OrganisationProfile.objects.update_or_create(pk=1, defaults={"industry": industry})
    return created


# ---- reading and retiring -------------------------------------------------------------------


def taxonomy_list(
    *, dimension: str | None = None, include_retired: bool = False
) -> QuerySet[TaxonomyEntry]:
    """Taxonomy entries in display order; retired ones only when asked for."""
    if dimension is not None and dimension not in Dimension.values:
        raise InvalidInput(_unknown_dimension(dimension), field="dimension")
    entries = TaxonomyEntry.objects.select_related("parent")
    if dimension is not None:
        entries = entries.of(dimension)
    if not include_retired:
        entries = entries.active()
    return entries.order_by("dimension", "sort_order", "code", "key")


def _descendant_ids(entry: TaxonomyEntry) -> list[int]:
    found: list[int] = []
    level = [entry.pk]
    while level:
        level = list(TaxonomyEntry.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        level = [pk for pk in level if pk not in found]
        found.extend(level)
    return found


def taxonomy_entry_retire(*, entry: TaxonomyEntry) -> int:
    """Retire an entry and everything under it; returns how many entries were retired.

    Retired entries stay on the complaints that carry them and are no longer offered.
    """
    with transaction.atomic():
        ids = [entry.pk, *_descendant_ids(entry)]
        count = TaxonomyEntry.objects.filter(pk__in=ids, is_active=True).update(is_active=False)
    entry.is_active = False
    return count


def taxonomy_entry_reactivate(*, entry: TaxonomyEntry) -> int:
    """Offer a retired entry again, with the retired entries above it so it can be reached."""
    ids: list[int] = []
    node: TaxonomyEntry | None = entry
    while node is not None and node.pk not in ids:
        ids.append(node.pk)
        node = node.parent
    with transaction.atomic():
        waking = TaxonomyEntry.objects.filter(pk__in=ids, is_active=False)
        for sleeper in waking:
            holder = (
                TaxonomyEntry.objects.active()
                .of(sleeper.dimension)
                .filter(code=sleeper.code)
                .exclude(pk__in=ids)
                .first()
            )
            if holder is not None:
                raise Conflict(
                    _("%(entry)s cannot come back: its code is now used by %(holder)s.")
                    % {"entry": sleeper.key, "holder": holder.key}
                )
        count = waking.update(is_active=True)
    entry.is_active = True
    return count


# ---- export ---------------------------------------------------------------------------------


def _node(
    entry: TaxonomyEntry, position: int, children: dict[int | None, list[TaxonomyEntry]]
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "key": entry.key,
        "code": entry.code,
        "en": entry.label_en,
        "zh": entry.label_zh,
    }
    # Import numbers siblings by position; say the order only where it differs from that.
    if entry.sort_order != position:
        node["order"] = entry.sort_order
    if entry.grouping:
        node["grouping"] = dict(entry.grouping)
    if not entry.is_active:
        node["active"] = False
    if children.get(entry.pk):
        node["children"] = [
            _node(child, position, children)
            for position, child in enumerate(children[entry.pk], start=1)
        ]
    return node


def taxonomy_export(dimension: str | None = None) -> dict[str, Any]:
    """The taxonomy (retired entries included) as a nested mapping that import accepts."""
    entries = list(taxonomy_list(dimension=dimension, include_retired=True))
    present = {entry.pk for entry in entries}
    by_dimension: dict[str, dict[int | None, list[TaxonomyEntry]]] = {}
    for entry in entries:
        # A parent outside the export (another dimension) would lose the entry; list it at top.
        parent = entry.parent_id if entry.parent_id in present else None
        by_dimension.setdefault(entry.dimension, {}).setdefault(parent, []).append(entry)
    dimensions = {
        value: [
            _node(root, position, by_dimension[value])
            for position, root in enumerate(by_dimension[value].get(None, []), start=1)
        ]
        for value in Dimension.values
        if value in by_dimension
    }
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "dimensions": dimensions}


def taxonomy_dump(data: dict[str, Any], *, format: str = "yaml") -> str:
    """Serialise an export as YAML (readable, Chinese kept as is) or JSON."""
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    raise InvalidInput(_("Choose the format yaml or json."), field="format")


# ---- parsing a file -------------------------------------------------------------------------


class _Located(dict[Any, Any]):
    """A YAML mapping that remembers the line it started on, for error messages."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_located(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Located:
    mapping = _Located(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_located,
)


def taxonomy_parse(text: str, *, format: str = "yaml") -> Any:
    """Read a YAML or JSON taxonomy file; a syntax error names its line."""
    try:
        if format == "json":
            return json.loads(text)
        if format == "yaml":
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            _("The file is not valid JSON: line %(line)d: %(problem)s")
            % {"line": exc.lineno, "problem": exc.msg}
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput(
            _("The file is not valid YAML: line %(line)s: %(problem)s")
            % {"line": mark.line + 1 if mark is not None else "?", "problem": problem}
        ) from exc
    raise InvalidInput(_("Choose the format yaml or json."), field="format")


def format_for(filename: str) -> str:
    """yaml or json, from a file name's extension (YAML unless it ends in .json)."""
    return "json" if filename.lower().endswith(".json") else "yaml"


# ---- validating and importing ---------------------------------------------------------------


@dataclass
class _Item:
    dimension: str
    key: str
    code: str
    label_en: str
    label_zh: str
    grouping: dict[str, str]
    active: bool | None
    parent: str | None
    sort_order: int
    where: str


@dataclass
class ImportReport:
    """What an import changed, or would change in a dry run; entries as `dimension:key`."""

    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.reactivated)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "retired": self.retired,
            "reactivated": self.reactivated,
            "unchanged": self.unchanged,
        }


def _unknown_dimension(dimension: object) -> str:
    return _("Unknown dimension %(dimension)s; use one of %(choices)s.") % {
        "dimension": repr(dimension),
        "choices": ", ".join(Dimension.values),
    }


def _where(dimension: str, entry: str, raw: object) -> str:
    line = getattr(raw, "line", None)
    if line is None:
        return _("%(dimension)s entry %(entry)s") % {"dimension": dimension, "entry": entry}
    return _("%(dimension)s entry %(entry)s (line %(line)d)") % {
        "dimension": dimension,
        "entry": entry,
        "line": line,
    }


class _Reader:
    """Walks a parsed file into flat items, collecting every problem rather than the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.items: dict[str, dict[str, _Item]] = {}
        self.count = 0

    def read(self, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("dimensions"), dict):
            self.problems.append(_("The file needs a 'dimensions' mapping at the top."))
            return
        extra = sorted(str(name) for name in set(data) - _FILE_FIELDS)
        if extra:
            self.problems.append(_("Unknown top-level field %(fields)s.") % {"fields": extra})
        if (
            data.get("format", EXPORT_FORMAT) != EXPORT_FORMAT
            or data.get("version", EXPORT_VERSION) != EXPORT_VERSION
        ):
            self.problems.append(
                _("This is not a complaintdesk taxonomy file of version %(version)d.")
                % {"version": EXPORT_VERSION}
            )
        for dimension, entries in data["dimensions"].items():
            if dimension not in Dimension.values:
                self.problems.append(_unknown_dimension(dimension))
                continue
            self.items[dimension] = {}
            if not isinstance(entries, list):
                self.problems.append(
                    _("Dimension %(dimension)s must hold a list of entries.")
                    % {"dimension": dimension}
                )
                continue
            self._entries(dimension, entries, parent=None, path="")

    def _entries(self, dimension: str, entries: list[Any], parent: str | None, path: str) -> None:
        for position, raw in enumerate(entries, start=1):
            self.count += 1
            if self.count > MAX_ENTRIES:
                if self.count == MAX_ENTRIES + 1:
                    self.problems.append(
                        _("The file has more than %(count)d entries.") % {"count": MAX_ENTRIES}
                    )
                return
            self._entry(dimension, raw, parent, position, f"{path}#{position}")

    def _entry(
        self, dimension: str, raw: Any, parent: str | None, position: int, path: str
    ) -> None:
        if not isinstance(raw, dict):
            where = _where(dimension, path, raw)
            self.problems.append(
                _("%(where)s must be a mapping with key, code, en and zh.") % {"where": where}
            )
            return
        key = raw.get("key")
        where = _where(dimension, key if isinstance(key, str) and key else path, raw)
        before = len(self.problems)
        self._check_fields(raw, where, nested=parent is not None)
        if len(self.problems) > before:
            return
        if raw.get("parent") is not None:
            parent = str(raw["parent"])
        item = _Item(
            dimension=dimension,
            key=raw["key"],
            code=raw["code"],
            label_en=raw["en"].strip(),
            label_zh=raw["zh"].strip(),
            grouping=dict(raw.get("grouping") or {}),
            active=raw.get("active"),
            parent=parent,
            sort_order=raw.get("order", position),
            where=where,
        )
        seen = self.items[dimension]
        if item.key in seen:
            self.problems.append(
                _("%(where)s: key %(key)s appears twice (also %(other)s).")
                % {"where": where, "key": item.key, "other": seen[item.key].where}
            )
            return
        seen[item.key] = item
        children = raw.get("children") or []
        self._entries(dimension, children, parent=item.key, path=f"{path}.")

    def _check_fields(self, raw: dict[str, Any], where: str, *, nested: bool) -> None:
        unknown = sorted(str(name) for name in set(raw) - _ENTRY_FIELDS)
        if unknown:
            self.problems.append(
                _("%(where)s: unknown field %(fields)s.") % {"where": where, "fields": unknown}
            )
        for name, pattern in (("key", _KEY), ("code", _CODE), ("en", None), ("zh", None)):
            value = raw.get(name)
            if not isinstance(value, str) or not value.strip():
                self.problems.append(
                    _("%(where)s: missing %(field)s.") % {"where": where, "field": name}
                )
            elif len(value) > _MAX_LENGTH[name]:
                self.problems.append(
                    _("%(where)s: %(field)s is longer than %(max)d characters.")
                    % {"where": where, "field": name, "max": _MAX_LENGTH[name]}
                )
            elif pattern is not None and not pattern.match(value):
                message = (
                    _("%(where)s: key %(value)s may hold only a-z, 0-9, '.', '_' and '-'.")
                    if name == "key"
                    else _(
                        "%(where)s: code %(value)s may hold only letters, digits, '.', '_' and '-'."
                    )
                )
                self.problems.append(message % {"where": where, "value": repr(value)})
        grouping = raw.get("grouping")
        if grouping is not None and not (
            isinstance(grouping, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in grouping.items())
        ):
            self.problems.append(
                _("%(where)s: grouping must map scheme names to group names.") % {"where": where}
            )
        order = raw.get("order", 0)
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order < 2**31:
            self.problems.append(
                _("%(where)s: order must be a whole number from 0.") % {"where": where}
            )
        if "active" in raw and not isinstance(raw["active"], bool):
            self.problems.append(_("%(where)s: active must be true or false.") % {"where": where})
        if "children" in raw and not isinstance(raw["children"], list | None):
            self.problems.append(_("%(where)s: children must be a list.") % {"where": where})
        if nested and raw.get("parent") is not None:
            self.problems.append(
                _("%(where)s: a nested entry takes its parent from the nesting; drop 'parent'.")
                % {"where": where}
            )


@dataclass(frozen=True)
class _Final:
    """Each key's parent, code and active flag once the import is done."""

    parents: dict[str, str | None]
    codes: dict[str, str]
    active: dict[str, bool]


def _final_state(
    items: dict[str, _Item], existing: dict[str, TaxonomyEntry], retire_missing: bool
) -> _Final:
    parents = {key: (e.parent.key if e.parent else None) for key, e in existing.items()}
    codes = {key: e.code for key, e in existing.items()}
    active = {
        key: e.is_active and (key in items or not retire_missing) for key, e in existing.items()
    }
    for key, item in items.items():
        parents[key] = item.parent
        codes[key] = item.code
        if item.active is not None:
            active[key] = item.active
    # A new entry that does not say starts as its parent is, so a preset that grows a child
    # under an entry the organisation retired still loads.
    undecided = [key for key, item in items.items() if item.active is None and key not in existing]
    for key in undecided:
        chain = [key]
        while chain[-1] not in active and parents.get(chain[-1]) not in (None, *chain):
            chain.append(str(parents[chain[-1]]))
        state = active.get(chain[-1], True)
        for node in chain:
            active.setdefault(node, state)
    # Retiring an entry retires what sits under it, as in the admin, unless the file says
    # otherwise (and that is then reported as a problem).
    explicit = {key for key, item in items.items() if item.active is not None}
    for _round in range(len(active)):
        falling = [
            key
            for key, is_active in active.items()
            if is_active
            and key not in explicit
            and parents.get(key) is not None
            and not active.get(str(parents[key]), True)
        ]
        if not falling:
            break
        active.update(dict.fromkeys(falling, False))
    return _Final(parents, codes, active)


def _check_dimension(
    dimension: str, items: dict[str, _Item], existing: dict[str, TaxonomyEntry], final: _Final
) -> list[str]:
    problems: list[str] = []
    parents = final.parents
    for item in items.values():
        if item.parent is not None and item.parent not in parents:
            problems.append(
                _("%(where)s: unknown parent %(parent)s.")
                % {"where": item.where, "parent": item.parent}
            )
        else:
            problems += _misplaced(item)
    for item in items.values():
        chain = [item.key]
        node = parents.get(item.key)
        while node is not None and node in parents:
            if node in chain:
                problems.append(
                    _("%(where)s: its parents form a cycle: %(cycle)s.")
                    % {"where": item.where, "cycle": " → ".join([*chain, node])}
                )
                break
            chain.append(node)
            node = parents[node]
    # Codes are unique among active entries; a retired entry may keep a code now reused.
    owners: dict[str, str] = {}
    # Entries the file leaves alone come first, so a clash is reported at the file's entry.
    for key in [*(key for key in existing if key not in items), *items]:
        code = final.codes[key]
        if not final.active[key]:
            continue
        if code in owners:
            where = items[key].where if key in items else _where(dimension, key, None)
            other = owners[code]
            problems.append(
                _("%(where)s: code %(code)s is also used by %(other)s.")
                % {
                    "where": where,
                    "code": code,
                    "other": items[other].where if other in items else other,
                }
            )
        owners.setdefault(code, key)
    for key, is_active in final.active.items():
        parent = parents.get(key)
        if is_active and parent is not None and not final.active.get(parent, True):
            where = items[key].where if key in items else _where(dimension, key, None)
            problems.append(
                _("%(where)s is active but its parent %(parent)s is retired.")
                % {"where": where, "parent": parent}
            )
    return problems


def _misplaced(item: _Item) -> list[str]:
    """An entry whose key says it sits elsewhere: network.speed belongs under network, and a
    key without a dot at the top. The key's level is read elsewhere (a routing skill
    "network" covers "network.speed"; a time-limit rule on a second-level key is more
    specific), so a key under the wrong parent would be classified one way and read another.
    """
    expected = item.key.rpartition(".")[0] or None
    if item.parent == expected:
        return []
    if item.parent is None:
        message = _(
            "%(where)s: key %(key)s belongs under %(expected)s; nest it there or give it "
            "parent: %(expected)s."
        )
    elif expected is None:
        message = _(
            "%(where)s: an entry under %(parent)s needs a key that starts with "
            "%(parent)s. (for example %(parent)s.%(key)s)."
        )
    else:
        message = _("%(where)s: key %(key)s belongs under %(expected)s, not under %(parent)s.")
    return [
        message
        % {"where": item.where, "key": item.key, "expected": expected, "parent": item.parent}
    ]


def _plan(
    items: dict[str, _Item],
    existing: dict[str, TaxonomyEntry],
    final: _Final,
    report: ImportReport,
) -> None:
    for key, kept in existing.items():
        if key not in items and kept.is_active and not final.active[key]:
            report.retired.append(f"{kept.dimension}:{key}")
    for key, item in items.items():
        name = f"{item.dimension}:{key}"
        entry = existing.get(key)
        if entry is None:
            report.created.append(name)
        elif entry.is_active and not final.active[key]:
            report.retired.append(name)
        elif final.active[key] and not entry.is_active:
            report.reactivated.append(name)
        elif (
            entry.code,
            entry.label_en,
            entry.label_zh,
            entry.parent.key if entry.parent else None,
            entry.sort_order,
            entry.grouping or {},
        ) != (item.code, item.label_en, item.label_zh, item.parent, item.sort_order, item.grouping):
            report.updated.append(name)
        else:
            report.unchanged += 1


def _apply(items: dict[str, _Item], existing: dict[str, TaxonomyEntry], final: _Final) -> None:
    # Active codes are unique per dimension. Retiring first and moving changed codes to
    # placeholders lets a file hand a code to another entry without tripping the constraint.
    retired = [e.pk for key, e in existing.items() if e.is_active and not final.active[key]]
    TaxonomyEntry.objects.filter(pk__in=retired).update(is_active=False)
    for key, entry in existing.items():
        if key in items and entry.code != items[key].code:
            TaxonomyEntry.objects.filter(pk=entry.pk).update(code=f"~{entry.pk}")
    entries = dict(existing)
    for key, item in items.items():
        entry = entries.get(key) or TaxonomyEntry(dimension=item.dimension, key=key)
        entry.code = item.code
        entry.label_en = item.label_en
        entry.label_zh = item.label_zh
        entry.sort_order = item.sort_order
        entry.grouping = item.grouping
        entry.is_active = final.active[key]
        entry.save()
        entries[key] = entry
    for key, item in items.items():
        entry = entries[key]
        parent_id = entries[item.parent].pk if item.parent is not None else None
        if entry.parent_id != parent_id:
            TaxonomyEntry.objects.filter(pk=entry.pk).update(parent_id=parent_id)


def _raise(problems: Iterable[str]) -> None:
    problems = list(problems)
    if not problems:
        return
    shown = problems[:_MAX_PROBLEMS_SHOWN]
    message = "\n".join(shown)
    if len(problems) > len(shown):
        message += "\n" + _("… and %(count)d more problems.") % {
            "count": len(problems) - len(shown)
        }
    raise InvalidInput(message)


def taxonomy_import(
    data: Any, *, dry_run: bool = False, retire_missing: bool = False
) -> ImportReport:
    """Add, update and retire entries from a parsed taxonomy file, all or nothing.

    Entries are matched by dimension and key. Entries missing from the file are kept; with
    `retire_missing` they are retired (only in the dimensions the file holds). Every problem
    in the file is reported at once as InvalidInput, naming the entry and its line.
    """
    reader = _Reader()
    reader.read(data)
    _raise(reader.problems)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        existing = {
            dimension: {
                e.key: e
                for e in TaxonomyEntry.objects.of(dimension)
                .select_related("parent")
                .select_for_update(of=("self",))
            }
            for dimension in reader.items
        }
        final = {
            dimension: _final_state(items, existing[dimension], retire_missing)
            for dimension, items in reader.items.items()
        }
        problems: list[str] = []
        for dimension, items in reader.items.items():
            problems += _check_dimension(dimension, items, existing[dimension], final[dimension])
        _raise(problems)
        for dimension, items in reader.items.items():
            _plan(items, existing[dimension], final[dimension], report)
        if not dry_run:
            for dimension, items in reader.items.items():
                _apply(items, existing[dimension], final[dimension])
    return report
