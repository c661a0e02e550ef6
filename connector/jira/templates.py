"""The Jira side of the methodology as data: ``jira_templates/*.yaml|json`` loaded and checked."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from connector.errors import ConfigError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "jira_templates"


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
    options: tuple[str, ...] = ()
    initial: str | None = None


@dataclass(frozen=True)
class JiraTemplates:
    issue_types: tuple[IssueTypeTemplate, ...]
    labels: dict[str, list[str]]
    fields: tuple[FieldTemplate, ...]
    project: dict[str, Any]
    signoff_workflow: dict[str, Any]
    by_kind: dict[str, IssueTypeTemplate] = field(default_factory=dict)

    @property
    def property_key(self) -> str:
        return str(self.project["property"])

    @property
    def fields_property_key(self) -> str:
        return str(self.project["fields_property"])

    @property
    def workflow_name(self) -> str:
        return str(self.signoff_workflow["workflows"][0]["name"])

    def issue_type(self, key: str) -> IssueTypeTemplate:
        return next(t for t in self.issue_types if t.key == key)


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh) if path.suffix == ".json" else yaml.safe_load(fh)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the Jira template: {exc}",
                          "restore the file from the repository (git checkout jira_templates/)") from None


def load_templates(directory: Path = TEMPLATES_DIR) -> JiraTemplates:
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
        fields = tuple(
            FieldTemplate(key=f["key"], name=f["name"], type=f["type"], searcher=f["searcher"],
                          issue_types=tuple(f.get("issue_types") or ()), description=f.get("description", ""),
                          options=tuple(f.get("options") or ()), initial=f.get("initial"))
            for f in fields_doc["fields"]
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{directory}: a Jira template lacks {exc}",
                          "restore jira_templates/ from the repository") from None
    by_kind = {kind: t for t in issue_types for kind in t.kinds}
    missing = {"phase", "deliverable", "checklist_item", "gate", "payment_milestone"} - set(by_kind)
    if missing:
        raise ConfigError(f"{directory}/issue_types.yaml: no issue type for {', '.join(sorted(missing))}",
                          "list every plan kind under one issue type's `kinds`")
    return JiraTemplates(issue_types, dict(types_doc.get("labels") or {}), fields, project, workflow, by_kind)
