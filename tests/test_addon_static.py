"""Checks of the Odoo addon that need no Odoo: manifest, data files, XML, access rights, translations.

They catch what would otherwise only fail at ``odoo-bin -i`` time on a developer's machine with Odoo.
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

ADDON = Path(__file__).resolve().parents[1] / "odoo_addon" / "18.0" / "erp_playbook"
MODULE = ADDON.name
REQUIRED_KEYS = {"name", "version", "license", "author", "depends", "data", "summary", "website"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%[sd]")


def manifest() -> dict[str, object]:
    return ast.literal_eval((ADDON / "__manifest__.py").read_text())


def data_files() -> list[str]:
    return list(manifest()["data"])  # type: ignore[call-overload]


def defined_models() -> dict[str, bool]:
    """``_name`` of every model class in the addon's Python -> whether it is abstract (needs no access)."""
    models: dict[str, bool] = {}
    for path in (ADDON / "models").glob("*.py"):
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


def test_manifest_has_the_required_keys_and_versions() -> None:
    data = manifest()
    assert data.keys() >= REQUIRED_KEYS, f"missing: {REQUIRED_KEYS - data.keys()}"
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", str(data["version"])), data["version"]
    assert data["license"] == "LGPL-3"
    assert data.get("installable", True) is True
    assert {"project", "hr_timesheet", "account"} <= set(data["depends"])  # type: ignore[call-overload]


def test_every_data_file_exists_and_every_xml_is_listed() -> None:
    listed = data_files()
    missing = [name for name in listed if not (ADDON / name).is_file()]
    assert not missing, f"listed in __manifest__.py but absent: {missing}"
    on_disk = {str(p.relative_to(ADDON)) for d in ("views", "security", "data") for p in (ADDON / d).glob("*.xml")}
    assert on_disk <= set(listed), f"never loaded (add to 'data'): {sorted(on_disk - set(listed))}"
    # Groups must exist before the access file and the rules that name them.
    assert listed.index("security/erp_playbook_security.xml") < listed.index("security/ir.model.access.csv")


def test_xml_files_parse_and_record_ids_are_unique() -> None:
    seen: dict[str, str] = {}
    for name in data_files():
        if not name.endswith(".xml"):
            continue
        root = ET.parse(ADDON / name).getroot()
        assert root.tag == "odoo", f"{name}: root element is <{root.tag}>, expected <odoo>"
        for element in root.iter():
            if element.tag in {"record", "template", "menuitem"} and element.get("id"):
                record_id = element.get("id", "")
                assert record_id not in seen, f"{name}: id {record_id!r} already defined in {seen[record_id]}"
                seen[record_id] = name


def test_views_use_odoo_18_syntax() -> None:
    for name in data_files():
        text = (ADDON / name).read_text()
        assert "<tree" not in text, f"{name}: Odoo 18 uses <list>, not <tree>"
        assert " attrs=" not in text and " states=" not in text, f"{name}: attrs/states were removed in Odoo 17"


def test_access_rules_cover_every_model_and_only_known_ones() -> None:
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
    assert portal == {"model_erp_signoff"}


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


def test_python_files_compile() -> None:
    for path in ADDON.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


def test_readme_fragments_exist() -> None:
    for name in ("DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"):
        assert (ADDON / "readme" / name).read_text().strip(), f"readme/{name} is empty"


def test_pylint_odoo_is_clean() -> None:
    pytest.importorskip("pylint_odoo", reason="pylint-odoo not installed (pip install pylint-odoo)")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--load-plugins=pylint_odoo",
            "--disable=all",
            "--enable=odoolint",
            "--valid-odoo-versions=18.0",
            f"--manifest-required-authors={manifest()['author']}",
            "--score=n",
            str(ADDON),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
