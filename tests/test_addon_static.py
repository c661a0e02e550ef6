"""Checks of the Odoo addon that need no Odoo: manifest, data files, XML, access rights, translations.

They catch what would otherwise only fail at ``odoo-bin -i`` time on a developer's machine with Odoo.
Each series folder (``odoo_addon/18.0``, ``odoo_addon/19.0``) is checked with its own rules; the 19.0 folder
holds its own copy only of the files that differ and relative symlinks to 18.0 for the rest.
"""

from __future__ import annotations

import ast
import csv
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ADDONS_ROOT = Path(__file__).resolve().parents[1] / "odoo_addon"
SERIES = ("18.0", "19.0")
ADDON = ADDONS_ROOT / "18.0" / "erp_playbook"  # the series the shared files live in
MODULE = ADDON.name
REQUIRED_KEYS = {"name", "version", "license", "author", "depends", "data", "summary", "website"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%[sd]")


def addon(series: str) -> Path:
    return ADDONS_ROOT / series / MODULE


def manifest(series: str = "18.0") -> dict[str, object]:
    return ast.literal_eval((addon(series) / "__manifest__.py").read_text())


def data_files(series: str = "18.0") -> list[str]:
    return list(manifest(series)["data"])  # type: ignore[call-overload]


def defined_models() -> dict[str, bool]:
    """``_name`` of every model class in the addon's Python -> whether it is abstract (needs no access)."""
    models: dict[str, bool] = {}
    for path in [*(ADDON / "models").glob("*.py"), *(ADDON / "wizard").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ClassDef):
                continue
            abstract = any(isinstance(b, ast.Attribute) and b.attr == "AbstractModel" for b in node.bases)
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "_name" for t in stmt.targets)
                    and isinstance(stmt.value, ast.Constant)
                ):
                    models[stmt.value.value] = abstract
    return models


@pytest.mark.parametrize("series", SERIES)
def test_manifest_has_the_required_keys_and_versions(series: str) -> None:
    data = manifest(series)
    assert data.keys() >= REQUIRED_KEYS, f"missing: {REQUIRED_KEYS - data.keys()}"
    assert re.fullmatch(rf"{re.escape(series)}\.\d+\.\d+\.\d+", str(data["version"])), data["version"]
    assert data["license"] == "LGPL-3"
    assert data.get("installable", True) is True
    assert {"project", "hr_timesheet", "account"} <= set(data["depends"])  # type: ignore[call-overload]


@pytest.mark.parametrize("series", SERIES)
def test_every_data_file_exists_and_every_xml_is_listed(series: str) -> None:
    root = addon(series)
    listed = data_files(series)
    missing = [name for name in listed if not (root / name).is_file()]
    assert not missing, f"listed in __manifest__.py but absent: {missing}"
    on_disk = {str(p.relative_to(root)) for d in ("views", "security", "data") for p in (root / d).glob("*.xml")}
    assert on_disk <= set(listed), f"never loaded (add to 'data'): {sorted(on_disk - set(listed))}"
    # Groups must exist before the access file and the rules that name them.
    assert listed.index("security/erp_playbook_security.xml") < listed.index("security/ir.model.access.csv")


@pytest.mark.parametrize("series", SERIES)
def test_xml_files_parse_and_record_ids_are_unique(series: str) -> None:
    seen: dict[str, str] = {}
    for name in data_files(series):
        if not name.endswith(".xml"):
            continue
        root = ET.parse(addon(series) / name).getroot()
        assert root.tag == "odoo", f"{name}: root element is <{root.tag}>, expected <odoo>"
        for element in root.iter():
            if element.tag in {"record", "template", "menuitem"} and element.get("id"):
                record_id = element.get("id", "")
                assert record_id not in seen, f"{name}: id {record_id!r} already defined in {seen[record_id]}"
                seen[record_id] = name


def removed_in_19(name: str, root: ET.Element) -> list[str]:
    """What Odoo 19 no longer accepts (or silently ignores) from an 18.0 module, found in one data file."""
    found = []
    for record in root.iter("record"):
        fields = {f.get("name"): f for f in record.iter("field")}
        if "groups_id" in fields:
            found.append(f"{name}: groups_id became group_ids (res.users, ir.actions.*)")
        if record.get("model") == "res.groups" and {"users", "category_id"} & fields.keys():
            found.append(f"{name}: res.groups.users became user_ids, category_id became privilege_id")
        if fields.get("target") is not None and fields["target"].text == "inline":
            found.append(f'{name}: act_window target="inline" was removed')
    found += [f"{name}: <group expand> is no longer valid in search views"
              for search in root.iter("search") for group in search.iter("group") if group.get("expand")]
    return found


@pytest.mark.parametrize("series", SERIES)
def test_views_use_the_series_syntax(series: str) -> None:
    for name in data_files(series):
        text = (addon(series) / name).read_text()
        assert "<tree" not in text, f"{name}: Odoo 18+ uses <list>, not <tree>"
        assert " attrs=" not in text and " states=" not in text, f"{name}: attrs/states were removed in Odoo 17"
        if series == "19.0" and name.endswith(".xml"):
            assert not removed_in_19(name, ET.parse(addon(series) / name).getroot())
    sources = "".join(p.read_text() for p in addon(series).rglob("*.py"))
    assert "groups_id" not in sources, "use new_test_user(groups=...) so tests run on both series"


def test_the_19_check_finds_what_19_refuses() -> None:
    old = addon("18.0")
    found = [problem for name in data_files("18.0") if name.endswith(".xml")
             for problem in removed_in_19(name, ET.parse(old / name).getroot())]
    assert any("group_ids" in p for p in found) and any("user_ids" in p for p in found)
    assert any("inline" in p for p in found)


def test_19_holds_copies_only_of_files_that_differ_and_links_the_rest() -> None:
    """One change, one place: a file identical in both series is a relative symlink to 18.0, never a copy."""
    old, new = addon("18.0"), addon("19.0")
    files = {p.relative_to(old) for p in old.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    in_19 = {p.relative_to(new) for p in new.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert not files - in_19, (f"missing in 19.0 (from odoo_addon/19.0/erp_playbook: ln -s ../../../18.0/erp_playbook/"
                               f"<dir>/<file> <dir>/): {sorted(map(str, files - in_19))}")
    assert not in_19 - files, f"only in 19.0 (add them to 18.0 too, or explain): {sorted(map(str, in_19 - files))}"
    copies = []
    for rel in sorted(files):
        path = new / rel
        if path.is_symlink():
            assert path.resolve() == (old / rel).resolve(), f"19.0/{rel} links to {path.readlink()}, not 18.0/{rel}"
            assert not Path(path.readlink()).is_absolute(), f"19.0/{rel}: the symlink must be relative"
        else:
            assert path.read_bytes() != (old / rel).read_bytes(), f"19.0/{rel} is a copy of 18.0's: make it a symlink"
            copies.append(str(rel))
    assert "__manifest__.py" in copies


def test_access_rules_cover_every_model_and_only_known_ones() -> None:  # shared by both series
    models = defined_models()
    xml_ids = {f"model_{name.replace('.', '_')}": name for name in models}
    with (ADDON / "security" / "ir.model.access.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    unknown = [row["model_id:id"] for row in rows if row["model_id:id"] not in xml_ids]
    assert not unknown, f"access rows for models the addon does not define: {unknown}"
    covered = {xml_ids[row["model_id:id"]] for row in rows}
    without_access = {name for name, abstract in models.items() if not abstract and name not in covered}
    assert not without_access, f"models nobody can use (no access row): {sorted(without_access)}"
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "duplicate access ids"


def test_portal_gets_signoffs_and_nothing_about_money() -> None:
    with (ADDON / "security" / "ir.model.access.csv").open() as handle:
        portal = {row["model_id:id"] for row in csv.DictReader(handle) if row["group_id:id"] == "base.group_portal"}
    # Sign-offs, the weekly meetings with their action items, register items (read only, own projects by rules;
    # no amounts on any).
    assert portal == {"model_erp_signoff", "model_erp_meeting", "model_erp_meeting_action", "model_erp_register_item"}


def _parse_po(path: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A minimal .po reader: header fields and (msgid, msgstr) pairs, multi-line strings joined."""
    entries: list[tuple[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("msgid "):
            if "msgstr" in current:
                entries.append((current["msgid"], current["msgstr"]))
            current, key = {"msgid": ast.literal_eval(line[6:])}, "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"], key = ast.literal_eval(line[7:]), "msgstr"
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    if "msgstr" in current:
        entries.append((current["msgid"], current["msgstr"]))
    header_text = next((s for i, s in entries if i == ""), "")
    header = dict(line.split(": ", 1) for line in header_text.splitlines() if ": " in line)
    return header, [(i, s) for i, s in entries if i]


@pytest.mark.parametrize("lang", ["zh_TW", "zh_CN"])
def test_translations_parse_match_the_template_and_keep_placeholders(lang: str) -> None:
    header, entries = _parse_po(ADDON / "i18n" / f"{lang}.po")
    _, template = _parse_po(ADDON / "i18n" / f"{MODULE}.pot")
    assert header.get("Language") == lang
    assert {i for i, _ in entries} == {i for i, _ in template}, "re-export the .pot and merge the .po files"
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert not untranslated, f"untranslated in {lang}.po: {untranslated[:5]}"
    for msgid, msgstr in entries:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), f"{lang}: {msgid!r}"


@pytest.mark.parametrize("series", SERIES)
def test_python_files_compile(series: str) -> None:
    for path in addon(series).rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


def test_readme_fragments_exist() -> None:
    for name in ("DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"):
        assert (ADDON / "readme" / name).read_text().strip(), f"readme/{name} is empty"


@pytest.mark.parametrize("series", SERIES)
def test_pylint_odoo_is_clean(series: str) -> None:
    pytest.importorskip("pylint_odoo", reason="pylint-odoo not installed (pip install pylint-odoo)")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--load-plugins=pylint_odoo",
            "--disable=all",
            "--enable=odoolint",
            f"--valid-odoo-versions={series}",
            f"--manifest-required-authors={manifest(series)['author']}",
            "--score=n",
            str(addon(series)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
