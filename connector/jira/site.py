"""What a Jira site already has: one reader of fields, issue types, statuses and workflows, and the matchers that
decide which of them is ours.

Setup, the doctor, provisioning, the sync and the reports all look things up here, so they agree: a site whose
Epic is localised provisions *and* passes the doctor; a team-managed "Sign-off" type never stands in for the
company-managed one our schemes need.

Scope: items of team-managed (next-gen) projects carry ``scope: {"type": "PROJECT", ...}``; global
(company-managed) ones carry none (statuses: ``{"type": "GLOBAL"}``). Our schemes and workflows can only use
global ones, so a global item always wins over a team-managed one of the same name, which is never used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from connector.jira.binding import RequestsJira
from connector.jira.search import wrong_shape
from connector.jira.templates import FieldTemplate, IssueTypeTemplate

# The v3 custom-field type (fields.yaml `type`) -> the schema type `/field` reports and edits take.
VALUE_TYPES = {"float": "number", "select": "option", "datepicker": "date", "textfield": "string"}


def _api(jira: RequestsJira, path: str) -> str:
    return f"/rest/api/{jira.api_version}/{path}"


def is_global(item: dict[str, Any]) -> bool:
    """True for company-managed (global) issue types and statuses."""
    scope = item.get("scope") or {}
    return not scope or scope.get("type") == "GLOBAL"


def _named(items: Iterable[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    wanted = name.strip().casefold()
    return [i for i in items if str(i.get("name") or "").strip().casefold() == wanted]


# --- issue types -------------------------------------------------------------------------------------------
def _read_list(jira: RequestsJira, path: str, what: str) -> list[dict[str, Any]]:
    """A list endpoint's answer; anything else is an error of that request, never "the site has none"."""
    answer = jira.request("GET", _api(jira, path))
    if not isinstance(answer, list):
        raise wrong_shape(jira, f"GET {_api(jira, path)}", what, answer)
    return answer


def read_issue_types(jira: RequestsJira) -> list[dict[str, Any]]:
    return _read_list(jira, "issuetype", "a list of issue types")


def match_issue_type(types: list[dict[str, Any]], tpl: IssueTypeTemplate) -> dict[str, Any] | None:
    """The global issue type standing for ``tpl``: by name; the built-in Epic also by its level (localised)."""
    found = [t for t in _named(types, tpl.name) if is_global(t)]
    if not found and tpl.builtin:
        found = [t for t in types if is_global(t) and t.get("hierarchyLevel") == tpl.hierarchy_level
                 and not t.get("subtask")]
    return found[0] if found else None


# --- fields ------------------------------------------------------------------------------------------------
def read_fields(jira: RequestsJira) -> list[dict[str, Any]]:
    return _read_list(jira, "field", "a list of fields")


def match_field(fields: list[dict[str, Any]], tpl: FieldTemplate) -> dict[str, Any] | None:
    """Our custom field: by name, and of the template's type when several custom fields share the name."""
    found = [f for f in _named(fields, tpl.name) if f.get("custom")]
    found.sort(key=lambda f: (f.get("schema") or {}).get("custom") != tpl.type)
    return found[0] if found else None


def field_named(fields: list[dict[str, Any]], *names: str) -> dict[str, Any] | None:
    """The first field carrying one of ``names`` (in that order), custom fields before system ones."""
    for name in names:
        found = sorted(_named(fields, name), key=lambda f: not f.get("custom", False))
        if found:
            return found[0]
    return None


def value_type(tpl: FieldTemplate) -> str:
    """The schema type of a field created from ``tpl`` (``number``, ``option``, ``date``, ...)."""
    return VALUE_TYPES.get(tpl.type.rsplit(":", 1)[-1], "string")


# --- statuses and workflows (Cloud) ------------------------------------------------------------------------
def find_status(jira: RequestsJira, name: str) -> dict[str, Any] | None:
    """The global status called ``name``, whether or not an active workflow uses it.

    ``GET /status`` lists only statuses of active workflows, so a status left behind by a deleted workflow
    would look missing and its re-creation would fail ("already exists"): ``statuses/search`` sees them all.
    """
    return find_in_pages(jira, "statuses/search", {"searchString": name, "maxResults": 200},
                         lambda s: is_global(s) and bool(_named([s], name)))


def find_workflow(jira: RequestsJira, name: str) -> dict[str, Any] | None:
    """The workflow called exactly ``name``."""
    return find_in_pages(jira, "workflows/search", {"queryString": name, "maxResults": 50},
                         lambda w: w.get("name") == name)


def find_in_pages(jira: RequestsJira, path: str, params: dict[str, Any],
                  wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    """The first value of a ``startAt`` paged list (``values``, ``isLast``) that is ``wanted``."""
    start = 0
    while True:
        page = jira.request("GET", _api(jira, path), params={**params, "startAt": start})
        if not isinstance(page, dict) or not isinstance(page.get("values", []), list):
            raise wrong_shape(jira, f"GET {_api(jira, path)}", "a page of values", page)
        values = page.get("values") or []
        hit = next((v for v in values if wanted(v)), None)
        if hit is not None or page.get("isLast", True) or not values:
            return hit
        start += len(values)
