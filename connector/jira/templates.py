"""The Jira side of the methodology as data: ``jira_templates/*.yaml|json`` loaded and checked.

The folder sits at the top of the repository and is installed as the package ``connector.jira_templates``
(setup.py), so it is read through importlib.resources: a wheel works exactly like an editable install.
Issue-type names, field names and the Payment status options are read from here and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from connector.errors import ConfigError

TEMPLATES_PACKAGE = "connector.jira_templates"
KINDS = ("phase", "deliverable", "checklist_item", "gate", "payment_milestone")


def templates_dir() -> Traversable:
    """The installed templates; the source tree's folder when the package is not installed (PYTHONPATH=.)."""
    try:
        return resources.files(TEMPLATES_PACKAGE)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "jira_templates"


@dataclass(frozen=True)
class IssueTypeTemplate:
    key: str
    name: str
    kinds: tuple[str, ...]
    description: str
    hierarchy_level: int = 0
    builtin: bool = False
    workflow: str | None = None


@dataclass(frozen=True)
class FieldTemplate:
    key: str
    name: str
    type: str
    searcher: str
    issue_types: tuple[str, ...]
    description: str
    option_names: dict[str, str] = field(default_factory=dict)  # option key -> option name, in order
    initial: str | None = None  # the name of the option new issues get

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.option_names.values())


@dataclass(frozen=True)
class JiraTemplates:
    issue_types: tuple[IssueTypeTemplate, ...]
    labels: dict[str, list[str]]
    fields: tuple[FieldTemplate, ...]
    project: dict[str, Any]
    signoff_workflow: dict[str, Any]
    by_kind: dict[str, IssueTypeTemplate] = field(default_factory=dict)

    @property
    def workflow_name(self) -> str:
        return str(self.signoff_workflow["workflows"][0]["name"])

    def issue_type(self, key: str) -> IssueTypeTemplate:
        return next(t for t in self.issue_types if t.key == key)

    def field(self, key: str) -> FieldTemplate | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def payment_status(self) -> dict[str, str]:
        """Options of the Payment status field: ``not_due``, ``invoiced``, ``paid``, ``overdue`` -> their names."""
        status = self.field("payment_status")
        return dict(status.option_names) if status else {}


def _read(path: Traversable) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh) if path.name.endswith(".json") else yaml.safe_load(fh)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the Jira template: {exc}",
                          "reinstall erp-playbook, or restore the file (git checkout jira_templates/)") from None


def _field(f: dict[str, Any]) -> FieldTemplate:
    options = f.get("options") or {}
    if not isinstance(options, dict):
        raise TypeError(f"field {f.get('key')}: options must map keys to names")
    names = {str(k): str(v) for k, v in options.items()}
    initial = f.get("initial")
    if initial is not None and initial not in names:
        raise KeyError(f"field {f.get('key')}: initial option {initial!r}")
    return FieldTemplate(key=f["key"], name=f["name"], type=f["type"], searcher=f["searcher"],
                         issue_types=tuple(f.get("issue_types") or ()), description=f.get("description", ""),
                         option_names=names, initial=names[initial] if initial is not None else None)


def load_templates(directory: Traversable | None = None) -> JiraTemplates:
    directory = directory or templates_dir()
    types_doc = _read(directory / "issue_types.yaml")
    fields_doc = _read(directory / "fields.yaml")
    project = _read(directory / "project.yaml")
    workflow = _read(directory / "workflow-signoff.json")
    workflow.pop("_comment", None)
    try:
        issue_types = tuple(
            IssueTypeTemplate(key=t["key"], name=t["name"], kinds=tuple(t.get("kinds") or ()),
                              description=t.get("description", ""), hierarchy_level=int(t.get("hierarchy_level", 0)),
                              builtin=bool(t.get("builtin", False)), workflow=t.get("workflow"))
            for t in types_doc["issue_types"]
        )
        fields = tuple(_field(f) for f in fields_doc["fields"])
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{directory}: a Jira template lacks or misstates {exc}",
                          "reinstall erp-playbook, or restore jira_templates/ from the repository") from None
    by_kind = {kind: t for t in issue_types for kind in t.kinds}
    missing = set(KINDS) - set(by_kind)
    if missing:
        raise ConfigError(f"{directory}/issue_types.yaml: no issue type for {', '.join(sorted(missing))}",
                          "list every plan kind under one issue type's `kinds`")
    return JiraTemplates(issue_types, dict(types_doc.get("labels") or {}), fields, project, workflow, by_kind)


@lru_cache(maxsize=1)
def default_templates() -> JiraTemplates:
    """The installed templates, read once per process (the sync and the reports only read them)."""
    return load_templates()
