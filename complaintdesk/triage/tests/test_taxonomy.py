"""Configurable taxonomies: presets, retiring, import/export, the command line and the API."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from complaintdesk.api.tests.test_complaints_api import api_client
from complaintdesk.complaints.errors import Conflict, InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.engine.labels import CATEGORIES, NATURES
from complaintdesk.triage.models import TaxonomyEntry
from complaintdesk.triage.taxonomy import (
    available_presets,
    current_industry,
    organisation_industry_set,
    read_preset,
    taxonomy_dump,
    taxonomy_entry_reactivate,
    taxonomy_entry_retire,
    taxonomy_export,
    taxonomy_import,
    taxonomy_load_preset,
    taxonomy_parse,
)

pytestmark = pytest.mark.django_db

PRESETS = ("telecom", "ecommerce", "automotive", "generic")
TOP_LEVEL = {
    "telecom": {"service", "network", "billing", "product", "device", "other"},
    "ecommerce": {"delivery", "description", "quality", "service", "refund", "other"},
    "automotive": {"service", "quality", "repair", "parts", "sales", "other"},
    "generic": {"quality", "service", "technical", "delivery", "special", "other"},
}


def snapshot() -> list[tuple[Any, ...]]:
    """Everything an import may change, in a comparable form."""
    return sorted(
        (
            e.dimension,
            e.key,
            e.code,
            e.label_en,
            e.label_zh,
            e.parent.key if e.parent else None,
            e.is_active,
            e.sort_order,
            json.dumps(e.grouping, sort_keys=True),
        )
        for e in TaxonomyEntry.objects.select_related("parent")
    )


def content(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"dimensions": {"content": list(entries)}}


def entry(key: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "code": code, "en": key.title(), "zh": "中文" + key, **extra}


# ---- presets --------------------------------------------------------------------------------


def test_all_four_industries_have_a_preset():
    assert set(PRESETS) <= set(available_presets())


@pytest.mark.parametrize("industry", PRESETS)
def test_each_preset_loads_with_the_keys_triage_predicts(industry):
    created = taxonomy_load_preset(industry)
    assert created == TaxonomyEntry.objects.count() > 0
    tops = TaxonomyEntry.objects.of(Dimension.CONTENT).filter(parent__isnull=True)
    assert set(tops.values_list("key", flat=True)) == TOP_LEVEL[industry]
    if industry in CATEGORIES:
        assert set(CATEGORIES[industry]) == TOP_LEVEL[industry]
    natures = TaxonomyEntry.objects.of(Dimension.NATURE).values_list("key", flat=True)
    assert set(natures) == set(NATURES)
    for dimension in Dimension.values:
        assert TaxonomyEntry.objects.of(dimension).exists(), dimension
    for item in TaxonomyEntry.objects.all():
        assert item.label_en and item.label_zh


@pytest.mark.parametrize("industry", PRESETS)
def test_second_level_keys_and_codes_follow_their_parent(industry):
    taxonomy_load_preset(industry)
    children = TaxonomyEntry.objects.filter(parent__isnull=False).select_related("parent")
    assert children.exists()
    for child in children:
        assert child.key.startswith(child.parent.key + ".")
        assert child.code.startswith(child.parent.code + "-")


def test_presets_offer_the_seed_subcategories():
    taxonomy_load_preset("automotive")
    keys = set(TaxonomyEntry.objects.of(Dimension.CONTENT).values_list("key", flat=True))
    assert {"service.warranty", "quality.design", "quality.manufacture", "quality.assembly"} <= keys
    assert {"parts.supply", "parts.price", "parts.quality", "repair.first_time"} <= keys
    assert TaxonomyEntry.objects.get(key="parts.quality.durability").code == "PRT-03-02"


def test_telecom_grouping_is_loaded_for_reports():
    taxonomy_load_preset("telecom")
    billing = TaxonomyEntry.objects.get(dimension=Dimension.CONTENT, key="billing")
    network = TaxonomyEntry.objects.get(dimension=Dimension.CONTENT, key="network")
    assert billing.grouping == {"ch4": "policy", "ch6": "charges"}
    assert network.grouping == {"ch4": "technical", "ch6": "technical"}


def test_loading_a_preset_twice_changes_nothing():
    taxonomy_load_preset("ecommerce")
    before = snapshot()
    assert taxonomy_load_preset("ecommerce") == 0
    assert snapshot() == before


def test_reloading_a_preset_keeps_what_the_administrator_retired():
    taxonomy_load_preset("telecom")
    taxonomy_entry_retire(entry=TaxonomyEntry.objects.get(key="network.speed"))
    taxonomy_load_preset("telecom")
    assert not TaxonomyEntry.objects.get(key="network.speed").is_active


@pytest.mark.parametrize("industry", ["ecommerce", "automotive", "generic"])
def test_setup_records_the_industry_and_offers_only_its_values(industry):
    taxonomy_load_preset("telecom")  # as the demo does before anyone chooses
    assert current_industry() == "telecom"
    call_command("setup", "--industry", industry, stdout=io.StringIO())
    assert current_industry() == industry
    active_tops = TaxonomyEntry.objects.active().of(Dimension.CONTENT).filter(parent=None)
    assert set(active_tops.values_list("key", flat=True)) == TOP_LEVEL[industry]
    assert not TaxonomyEntry.objects.get(dimension=Dimension.CONTENT, key="network").is_active


def test_switching_back_brings_the_industry_values_back():
    organisation_industry_set(industry="telecom")
    organisation_industry_set(industry="ecommerce")
    organisation_industry_set(industry="telecom")
    active_tops = TaxonomyEntry.objects.active().of(Dimension.CONTENT).filter(parent=None)
    assert set(active_tops.values_list("key", flat=True)) == TOP_LEVEL["telecom"]
    assert TaxonomyEntry.objects.get(key="service.attitude").code == "SVC-02"


def test_setup_refuses_an_unknown_industry():
    with pytest.raises(CommandError, match="catering"):
        call_command("setup", "--industry", "catering", stdout=io.StringIO())
    assert TaxonomyEntry.objects.count() == 0
    assert current_industry() == "telecom"


# ---- retiring -------------------------------------------------------------------------------


def test_retired_entry_stays_on_old_complaints_and_is_refused_for_new_ones(agent):
    taxonomy_load_preset("telecom")
    old = complaint_make(actor=agent, content_category="network.speed")
    speed = TaxonomyEntry.objects.get(key="network.speed")
    taxonomy_entry_retire(entry=speed)
    old = Complaint.objects.get(pk=old.pk)
    assert old.content_category == speed
    assert old.content_category.label_en == "Network speed"
    response = api_client(agent).get(f"/api/complaints/{old.tracking_number}")
    assert response.status_code == 200
    assert response.json()["category"]["key"] == "network.speed"
    with pytest.raises(InvalidInput, match=r"network\.speed"):
        complaint_make(actor=agent, content_category="network.speed")


def test_retiring_takes_the_entries_under_it_along():
    taxonomy_load_preset("telecom")
    assert taxonomy_entry_retire(entry=TaxonomyEntry.objects.get(key="network")) == 4
    assert not TaxonomyEntry.objects.filter(key__startswith="network", is_active=True).exists()


def test_reactivating_brings_back_the_retired_parent_too():
    taxonomy_load_preset("telecom")
    taxonomy_entry_retire(entry=TaxonomyEntry.objects.get(key="network"))
    taxonomy_entry_reactivate(entry=TaxonomyEntry.objects.get(key="network.speed"))
    active = set(TaxonomyEntry.objects.active().values_list("key", flat=True))
    assert {"network", "network.speed"} <= active
    assert "network.coverage" not in active


def test_reactivating_refuses_a_code_now_used_by_another_entry():
    taxonomy_import(content(entry("old", "X-1", active=False), entry("new", "X-1")))
    with pytest.raises(Conflict, match="new"):
        taxonomy_entry_reactivate(entry=TaxonomyEntry.objects.get(key="old"))
    assert not TaxonomyEntry.objects.get(key="old").is_active


# ---- import and export ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_is_the_identity(fmt):
    organisation_industry_set(industry="telecom")
    organisation_industry_set(industry="automotive")  # leaves retired entries to carry too
    TaxonomyEntry.objects.filter(key="sales").update(sort_order=40)
    exported = taxonomy_dump(taxonomy_export(), format=fmt)
    before = snapshot()
    report = taxonomy_import(taxonomy_parse(exported, format=fmt))
    assert not report.changed
    assert report.unchanged == len(before)
    assert snapshot() == before
    assert taxonomy_dump(taxonomy_export(), format=fmt) == exported


def test_export_of_one_dimension_holds_only_it():
    taxonomy_load_preset("telecom")
    assert list(taxonomy_export(Dimension.NATURE)["dimensions"]) == ["nature"]


def test_import_adds_updates_and_retires_without_deleting():
    taxonomy_import(content(entry("a", "A"), entry("b", "B", children=[entry("b.x", "B-01")])))
    report = taxonomy_import(
        content(entry("a", "A-NEW"), entry("c", "C"), entry("b", "B", active=False))
    )
    assert report.created == ["content:c"]
    assert report.updated == ["content:a"]
    assert sorted(report.retired) == ["content:b", "content:b.x"]
    assert TaxonomyEntry.objects.get(key="a").code == "A-NEW"
    # Missing from the file: kept, under its parent, retired with it.
    child = TaxonomyEntry.objects.get(key="b.x")
    assert child.parent is not None and child.parent.key == "b"
    assert not child.is_active


def test_import_with_retire_missing_retires_the_rest_of_that_dimension_only():
    taxonomy_load_preset("telecom")
    report = taxonomy_import(content(entry("service", "SVC")), retire_missing=True)
    assert "content:network" in report.retired
    active = TaxonomyEntry.objects.active()
    assert list(active.of(Dimension.CONTENT).values_list("key", flat=True)) == ["service"]
    assert active.of(Dimension.NATURE).count() == 3


def test_dry_run_reports_and_changes_nothing():
    taxonomy_load_preset("telecom")
    before = snapshot()
    report = taxonomy_import(content(entry("new", "NEW")), dry_run=True, retire_missing=True)
    assert report.dry_run and report.created == ["content:new"]
    assert "content:billing" in report.retired
    assert snapshot() == before


def test_import_can_swap_two_codes():
    taxonomy_import(content(entry("a", "A"), entry("b", "B")))
    taxonomy_import(content(entry("a", "B"), entry("b", "A")))
    assert TaxonomyEntry.objects.get(key="a").code == "B"


def test_an_entry_may_name_its_parent_instead_of_nesting():
    taxonomy_load_preset("telecom")
    taxonomy_import(content(entry("network.5g", "NET-04", parent="network")))
    assert TaxonomyEntry.objects.get(key="network.5g").parent.key == "network"


def test_a_new_entry_under_a_retired_parent_starts_retired():
    taxonomy_load_preset("telecom")
    taxonomy_entry_retire(entry=TaxonomyEntry.objects.get(key="network"))
    taxonomy_import(content(entry("network.5g", "NET-04", parent="network")))
    assert not TaxonomyEntry.objects.get(key="network.5g").is_active


BAD_FILES = {
    "duplicate key": (
        content(entry("a", "A"), entry("b", "B", children=[entry("a", "B-01")])),
        "key a appears twice",
    ),
    "duplicate code": (content(entry("a", "A"), entry("b", "A")), "code A is also used"),
    "unknown parent": (content(entry("a", "A", parent="ghost")), "unknown parent ghost"),
    "unknown dimension": ({"dimensions": {"colour": []}}, "Unknown dimension 'colour'"),
    "cycle": (
        content(entry("a", "A", parent="b"), entry("b", "B", parent="a")),
        "cycle: a → b → a",
    ),
    "missing label": (
        content({"key": "a", "code": "A", "en": "A"}),
        "content entry a: missing zh",
    ),
    "no dimensions": ({"entries": []}, "'dimensions'"),
    "misspelt field": (content({**entry("a", "A"), "lable": "x"}), "unknown field"),
    "active under retired": (
        content(entry("a", "A", active=False, children=[entry("a.b", "A-1", active=True)])),
        "parent a is retired",
    ),
    "child under the wrong parent": (
        content(entry("billing.charge", "BIL-02", parent="network")),
        "key billing.charge belongs under billing, not under network",
    ),
    "second-level key at the top": (
        content(entry("network.fibre", "NET-09")),
        "key network.fibre belongs under network",
    ),
    "key not naming its parent": (
        content(entry("b", "B", children=[entry("fibre", "B-01")])),
        "needs a key that starts with b.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_import_names_the_problem_and_changes_nothing(case):
    taxonomy_load_preset("telecom")
    before = snapshot()
    data, message = BAD_FILES[case]
    with pytest.raises(InvalidInput) as caught:
        taxonomy_import(copy.deepcopy(data))
    assert message in caught.value.message
    assert snapshot() == before


def test_a_child_nested_under_the_wrong_parent_is_refused_naming_its_line(tmp_path: Path):
    taxonomy_load_preset("telecom")
    before = snapshot()
    path = tmp_path / "moved.yaml"
    path.write_text(
        "dimensions:\n"
        "  content:\n"
        "    - key: network\n"
        "      code: NET\n"
        "      en: Network\n"
        "      zh: 网络类\n"
        "      children:\n"
        "        - {key: billing.charge, code: BIL-02, en: Charge calculation, zh: 费用计算}\n",
        "utf-8",
    )
    expected = (
        r"content entry billing.charge \(line 8\): key billing.charge belongs under billing, "
        "not under network"
    )
    with pytest.raises(CommandError, match=expected):
        run("import", str(path))
    assert snapshot() == before
    assert TaxonomyEntry.objects.get(key="billing.charge").parent.key == "billing"


def test_a_cycle_through_an_existing_entry_is_refused():
    taxonomy_import(content(entry("a", "A", children=[entry("a.b", "A-1")])))
    with pytest.raises(InvalidInput, match="cycle"):
        taxonomy_import(content(entry("a", "A", parent="a.b")))


def test_a_code_held_by_an_entry_outside_the_file_is_refused():
    taxonomy_load_preset("telecom")
    with pytest.raises(InvalidInput, match="NET"):
        taxonomy_import(content(entry("internet", "NET")))


def test_yaml_problems_name_the_line():
    text = "dimensions:\n  content:\n    - {key: a, code: A, en: A, zh: 甲}\n    - {key: b}\n"
    with pytest.raises(InvalidInput, match=r"content entry b \(line 4\): missing code"):
        taxonomy_import(taxonomy_parse(text))
    with pytest.raises(InvalidInput, match="line 2"):
        taxonomy_parse("dimensions:\n  content: {a: [}\n  nature: []\n")


# ---- command line ---------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("taxonomy", *args, stdout=out)
    return out.getvalue()


def test_command_exports_yaml_and_json(tmp_path: Path):
    taxonomy_load_preset("telecom")
    printed = yaml.safe_load(run("export", "--dimension", "nature"))
    assert [e["key"] for e in printed["dimensions"]["nature"]] == ["general", "major", "urgent"]
    target = tmp_path / "taxonomy.json"
    run("export", "--format", "json", "--output", str(target))
    written = json.loads(target.read_text(encoding="utf-8"))
    assert "网络类" in target.read_text(encoding="utf-8")
    assert len(written["dimensions"]) == len(Dimension.values)


def test_command_imports_a_file_with_dry_run_first(tmp_path: Path):
    taxonomy_load_preset("telecom")
    path = tmp_path / "more.yaml"
    path.write_text(
        yaml.safe_dump(content(entry("network.5g", "NET-04", parent="network"))), "utf-8"
    )
    assert "1 created" in run("import", str(path), "--dry-run")
    assert not TaxonomyEntry.objects.filter(key="network.5g").exists()
    assert "1 created" in run("import", str(path))
    assert TaxonomyEntry.objects.filter(key="network.5g").exists()
    assert "retired: content:billing" in run("import", str(path), "--retire-missing")


def test_command_refuses_a_bad_file_with_the_entry_and_line(tmp_path: Path):
    taxonomy_load_preset("telecom")
    before = snapshot()
    path = tmp_path / "bad.yaml"
    path.write_text("dimensions:\n  content:\n    - {key: x, code: NET, en: X, zh: 叉}\n", "utf-8")
    with pytest.raises(CommandError, match=r"content entry x \(line 3\): code NET"):
        run("import", str(path))
    assert snapshot() == before


def test_command_bad_file_exits_non_zero(tmp_path: Path, capsys):
    from complaintdesk.cli import main

    path = tmp_path / "bad.json"
    path.write_text('{"dimensions": {"content": [}', "utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["taxonomy", "import", str(path)])
    assert exited.value.code == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_command_missing_file_is_an_error(tmp_path: Path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", str(tmp_path / "nowhere.yaml"))


# ---- API ------------------------------------------------------------------------------------


def upload(client: Client, data: dict[str, Any], name: str = "taxonomy.json", **query: str):
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(
        f"/api/taxonomy/import?{params}",
        {"file": SimpleUploadedFile(name, body, content_type="application/json")},
    )


def test_api_lists_active_entries_by_dimension(agent):
    taxonomy_load_preset("telecom")
    taxonomy_entry_retire(entry=TaxonomyEntry.objects.get(key="network.speed"))
    client = api_client(agent)
    body = client.get("/api/taxonomy?dimension=content").json()
    keys = {row["key"] for row in body}
    assert "network.coverage" in keys and "network.speed" not in keys
    assert {row["dimension"] for row in body} == {"content"}
    billing = next(row for row in body if row["key"] == "billing.charge")
    assert billing["parent"] == "billing" and billing["code"] == "BIL-02"
    everything = client.get("/api/taxonomy?include_retired=true").json()
    speed = next(row for row in everything if row["key"] == "network.speed")
    assert speed["active"] is False
    assert {row["dimension"] for row in everything} == set(Dimension.values)


def test_api_refuses_an_unknown_dimension(agent):
    response = api_client(agent).get("/api/taxonomy?dimension=colour")
    assert response.status_code == 422
    assert "colour" in response.json()["detail"]


def test_api_exports_yaml_and_json(agent):
    taxonomy_load_preset("telecom")
    client = api_client(agent)
    as_yaml = client.get("/api/taxonomy/export")
    assert as_yaml.status_code == 200
    assert as_yaml["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.content)["dimensions"]["nature"][0]["key"] == "general"
    as_json = client.get("/api/taxonomy/export?format=json&dimension=content")
    assert list(as_json.json()["dimensions"]) == ["content"]
    assert client.get("/api/taxonomy/export?format=xml").status_code == 422


def test_api_import_by_administrator_with_dry_run(administrator):
    taxonomy_load_preset("telecom")
    client = api_client(administrator)
    addition = content(entry("network.5g", "NET-04", parent="network"))
    dry = upload(client, addition, dry_run="true")
    assert dry.status_code == 200, dry.content
    assert dry.json()["created"] == ["content:network.5g"] and dry.json()["dry_run"]
    assert not TaxonomyEntry.objects.filter(key="network.5g").exists()
    real = upload(client, addition)
    assert real.status_code == 200
    assert TaxonomyEntry.objects.filter(key="network.5g").exists()


def test_api_import_takes_yaml_files(administrator):
    client = api_client(administrator)
    body = "dimensions:\n  nature:\n    - {key: general, code: N1, en: General, zh: 一般}\n"
    response = client.post(
        "/api/taxonomy/import",
        {"file": SimpleUploadedFile("t.yaml", body.encode(), content_type="application/yaml")},
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == ["nature:general"]


def test_api_bad_import_is_422_and_changes_nothing(administrator):
    taxonomy_load_preset("telecom")
    before = snapshot()
    response = upload(api_client(administrator), content(entry("a", "A", parent="ghost")))
    assert response.status_code == 422
    assert "unknown parent ghost" in response.json()["detail"]
    assert snapshot() == before


def test_api_refuses_a_child_under_the_wrong_parent_naming_its_key(administrator):
    taxonomy_load_preset("telecom")
    before = snapshot()
    moved = content(entry("billing.charge", "BIL-02", parent="network"))
    response = upload(api_client(administrator), moved)
    assert response.status_code == 422
    assert "billing.charge belongs under billing, not under network" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["agent", "supervisor", "analyst"])
def test_api_import_is_for_administrators_only(persona, request):
    user = request.getfixturevalue(persona)
    response = upload(api_client(user), content(entry("a", "A")))
    assert response.status_code == 403
    assert not TaxonomyEntry.objects.exists()


def test_api_needs_a_login():
    assert Client().get("/api/taxonomy").status_code == 401


# ---- admin ----------------------------------------------------------------------------------


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_retires_and_reactivates_but_never_deletes(administrator):
    taxonomy_load_preset("telecom")
    client = admin_client(administrator)
    network = TaxonomyEntry.objects.get(key="network")
    url = "/admin/triage/taxonomyentry/"
    assert client.get(url + "?dimension__exact=content&is_active__exact=1").status_code == 200
    assert client.get(url + "?q=NET-02").status_code == 200
    assert client.get(f"{url}{network.pk}/change/").status_code == 200
    assert client.get(f"{url}add/").status_code == 200
    client.post(url, {"action": "retire", "_selected_action": [network.pk]})
    assert not TaxonomyEntry.objects.get(key="network.speed").is_active
    client.post(url, {"action": "reactivate", "_selected_action": [network.pk]})
    assert TaxonomyEntry.objects.get(key="network").is_active
    page = client.post(url, {"action": "delete_selected", "_selected_action": [network.pk]})
    assert page.status_code in {200, 302}
    assert TaxonomyEntry.objects.filter(key="network").exists()
    assert client.get(f"{url}{network.pk}/delete/").status_code == 403


def test_admin_refuses_a_parent_from_another_dimension():
    taxonomy_load_preset("telecom")
    nature = TaxonomyEntry.objects.get(key="urgent")
    child = TaxonomyEntry(
        dimension=Dimension.CONTENT, key="x", code="X", label_en="X", label_zh="叉"
    )
    child.parent = nature
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="same dimension"):
        child.full_clean()


def test_preset_files_parse_as_presets():
    for name in PRESETS:
        assert read_preset(name)["preset"] == name
