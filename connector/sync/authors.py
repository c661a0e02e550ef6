"""Who did the work: the Jira worklog author → the Odoo employee the timesheet line is booked on.

Matching, first hit wins: an explicit ``[sync] employees`` entry (Jira account id, user name or e-mail → employee
name), then the author's e-mail (Jira hides it under some privacy settings) against the employee's work e-mail
and the login and e-mail of the employee's user, then the author's display name against exactly one employee
name. Employees are read once per run, and only when a worklog's author is not in the ``employee`` cache of the
sync state (entries expire after a day, so archived employees drop out). Authors without a match are not cached:
the line goes to the sync user's employee (Odoo's default) and the run lists them once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connector.errors import ConnectorError
from connector.sync.odoo_side import OdooSide
from connector.sync.state import StateStore

log = logging.getLogger(__name__)

NS = "employee"
CONFIG_KEY = "_config"  # digest of the explicit mapping the cached entries were made with
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Author:
    key: str  # Cloud: accountId; Data Center: user key or name; else the display name
    name: str
    email: str | None

    @classmethod
    def of(cls, worklog: dict[str, Any]) -> Author:
        raw = worklog.get("author") or {}
        name = str(raw.get("displayName") or raw.get("name") or "").strip()
        key = raw.get("accountId") or raw.get("key") or raw.get("name") or f"name:{name}"
        return cls(key=str(key), name=name, email=(str(raw.get("emailAddress") or "").strip() or None))


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


class EmployeeDirectory:
    """Resolves authors to employee ids; at most one Odoo read per run."""

    def __init__(self, odoo: OdooSide, state: StateStore, mapping: dict[str, str] | None = None,
                 sync_uid: int | None = None) -> None:
        self.odoo, self.state = odoo, state
        self.mapping = {_norm(k): v for k, v in (mapping or {}).items()}
        self.sync_uid = sync_uid
        self.unmatched: dict[str, Author] = {}
        self.problems: list[str] = []
        self.fallback: str = "the sync user's employee"
        self._employees: list[dict[str, Any]] | None = None
        self._digest = hashlib.sha256(json.dumps(self.mapping, sort_keys=True).encode()).hexdigest()[:16]

    def resolve(self, authors: Iterable[Author]) -> dict[str, int]:
        """Author key → employee id, for the authors that have one (the others book on the fallback)."""
        wanted = {a.key: a for a in authors}
        if not wanted:
            return {}
        cached = self._cached(wanted)
        missing = [a for k, a in wanted.items() if k not in cached]
        if missing and self._load():
            found = {a.key: hit for a in missing if (hit := self._match(a)) is not None}
            now = time.time()
            self.state.put_many(NS, {k: {"id": e["id"], "name": e["name"], "at": now} for k, e in found.items()})
            cached.update({k: int(e["id"]) for k, e in found.items()})
        for a in missing:
            if a.key not in cached:
                self.unmatched.setdefault(a.key, a)
        return cached

    def forget(self) -> None:
        """Drop the cache (a write with a cached employee failed: it may have been archived)."""
        self.state.delete(NS)
        self._employees = None

    def warnings(self) -> list[str]:
        """One line per problem and per author without an employee in this run."""
        out = list(self.problems)
        for a in self.unmatched.values():
            if a.email:
                fix = f"create an employee with work e-mail {a.email} or map it in the config ([sync] employees)"
            else:
                fix = (f"create an employee named {a.name!r} or map its Jira account {a.key} in the config "
                       "([sync] employees); Jira hides this user's e-mail")
            out.append(f"Jira user {a.name or a.key} has no Odoo employee: booked on {self.fallback}; {fix}")
        return out

    # ------------------------------------------------------------------------------------------ internals
    def _cached(self, wanted: dict[str, Author]) -> dict[str, int]:
        if self.state.get_many(NS, [CONFIG_KEY]).get(CONFIG_KEY) != self._digest:
            self.state.delete(NS)
            self.state.put_many(NS, {CONFIG_KEY: self._digest})
            return {}
        fresh = time.time() - CACHE_SECONDS
        return {k: int(v["id"]) for k, v in self.state.get_many(NS, wanted).items()
                if isinstance(v, dict) and float(v.get("at", 0)) > fresh}

    def _load(self) -> bool:
        if self._employees is not None:
            return True
        try:
            self._employees = self.odoo.employees()
        except ConnectorError as exc:
            self._employees = []
            self.problems.append(f"reading the Odoo employees failed ({exc.message}): every new timesheet line is "
                                 "booked on the sync user's employee")
            log.warning(self.problems[-1])
            return False
        mine = [e for e in self._employees if self.sync_uid and (e.get("user") or {}).get("id") == self.sync_uid]
        if mine:
            self.fallback = f"{mine[0]['name']} (the sync user's employee)"
        self._check_mapping()
        return True

    def _check_mapping(self) -> None:
        names = {_norm(e["name"]) for e in self._employees or []}
        for key, name in self.mapping.items():
            if _norm(name) not in names:
                self.problems.append(f"[sync] employees maps {key} to {name!r}, which is no active Odoo employee "
                                     "the sync user can see: fix the name in the config")

    def _match(self, a: Author) -> dict[str, Any] | None:
        employees = self._employees or []
        by_name: dict[str, list[dict[str, Any]]] = {}
        for e in employees:
            by_name.setdefault(_norm(e["name"]), []).append(e)
        explicit = self.mapping.get(_norm(a.key)) or (self.mapping.get(_norm(a.email)) if a.email else None)
        if explicit:
            hits = by_name.get(_norm(explicit)) or []
            return hits[0] if len(hits) == 1 else None
        if a.email:
            email = _norm(a.email)
            hits = [e for e in employees if email in {_norm(e.get("work_email")), _norm((e.get("user") or {}).get(
                "login")), _norm((e.get("user") or {}).get("email"))}]
            if len(hits) == 1:
                return hits[0]
        hits = (by_name.get(_norm(a.name)) or []) if a.name else []
        return hits[0] if len(hits) == 1 else None
