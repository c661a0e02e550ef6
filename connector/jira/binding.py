"""How erp-playbook marks what it owns in Jira: the ``erp-playbook`` entity property and the field-id map.

The one place that names, writes and decodes the properties (docs/architecture.md, Jira data contract):

- ``erp-playbook`` on the project and on every issue provisioning creates:
  ``{"playbook": key, "version": v, "project": code, "key": item key, "kind": plan kind}``;
- ``erp-playbook-fields`` on the project: our field keys (jira_templates/fields.yaml) -> the site's field ids,
  written by provisioning so the nightly sync finds its fields without guessing by name.

Provisioning, the doctor, the sync and the reports all go through here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

PROPERTY = "erp-playbook"
FIELDS_PROPERTY = "erp-playbook-fields"


class RequestsJira(Protocol):
    api_version: str

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json: Any = None) -> Any: ...


@dataclass(frozen=True)
class Tag:
    """The ``erp-playbook`` property of one project or issue."""

    playbook: str
    version: str
    project: str  # the project code (settings [[projects]] code)
    key: str  # the playbook item key; "project" on the project itself
    kind: str  # plan record kind: phase, deliverable, checklist_item, gate, payment_milestone, project

    def value(self) -> dict[str, str]:
        return asdict(self)

    def create_properties(self) -> list[dict[str, Any]]:
        """The ``properties`` of an issue create request: the issue never exists untagged."""
        return [{"key": PROPERTY, "value": self.value()}]

    @classmethod
    def decode(cls, value: Any) -> Tag | None:
        """A property value as Jira returns it; None when it is not ours (no key or kind)."""
        if not isinstance(value, dict) or not value.get("key") or not value.get("kind"):
            return None
        return cls(**{name: str(value.get(name) or "") for name in ("playbook", "version", "project", "key",
                                                                      "kind")})

    @classmethod
    def of_issue(cls, issue: dict[str, Any]) -> Tag | None:
        """The tag of an issue read with ``properties=[erp-playbook]`` (search, bulk fetch)."""
        return cls.decode((issue.get("properties") or {}).get(PROPERTY))


def _project_property(jira: RequestsJira, project_key: str, name: str) -> str:
    return f"/rest/api/{jira.api_version}/project/{project_key}/properties/{name}"


def write_project_tag(jira: RequestsJira, project_key: str, tag: Tag) -> None:
    # PUT replaces the value: harmless to repeat, and it records the playbook version last applied.
    jira.request("PUT", _project_property(jira, project_key, PROPERTY), json=tag.value())


def read_project_tag(jira: RequestsJira, project_key: str) -> Tag | None:
    """The project's tag; None when the project was never provisioned (Jira answers 404)."""
    return Tag.decode(_read(jira, project_key, PROPERTY))


def write_field_ids(jira: RequestsJira, project_key: str, field_ids: dict[str, str]) -> None:
    jira.request("PUT", _project_property(jira, project_key, FIELDS_PROPERTY), json=dict(field_ids))


def read_field_ids(jira: RequestsJira, project_key: str) -> dict[str, str]:
    """Our field keys -> field ids as provisioning recorded them; empty when the project has no such property."""
    value = _read(jira, project_key, FIELDS_PROPERTY)
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str) and v}


def _read(jira: RequestsJira, project_key: str, name: str) -> Any:
    from connector.jira.adapter import JiraError  # the adapter imports settings; keep this module light

    try:
        answer = jira.request("GET", _project_property(jira, project_key, name)) or {}
    except JiraError as exc:
        if exc.status == 404:
            return None
        raise
    return answer.get("value") if isinstance(answer, dict) else None
