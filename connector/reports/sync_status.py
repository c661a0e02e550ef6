"""When a project's figures were last synchronised from Jira, read from the nightly sync's state store.

Read-only, through ``connector.sync.state.read_project_sync``: the SQLite file is opened with ``mode=ro`` (never
created, never locked, no schema written), PostgreSQL in a read-only session with the sync's connect timeout, so
a report can run while ``playbook sync`` holds its lock. What the store records per project (see
``connector.sync.state``):

- ``run`` / ``<code>``: ``{"finished_at", "ok", "error", "last_ok_at"}`` of the project's last run, when the sync
  records it (the best basis: it also says whether the last run failed);
- ``cursor`` / ``updated:<code>``: the Jira worklog feed position (ms since the epoch) the last committed batch
  reached. Jira's feed moves with worklog changes, not with runs, so on a quiet site it can lag behind the
  last run; the report then says "Jira worklogs read up to ..." rather than "synchronised at ...".

Odoo-only projects (no ``jira_key``) are never synchronised from Jira and raise no risk.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from connector.errors import ConnectorError
from connector.settings import ProjectLink, SyncSettings
from connector.sync.state import read_project_sync

# Older than this, the report warns that recent worklogs may be missing (the sync runs nightly: two missed runs).
SYNC_STALE_DAYS = 2
ERROR_MAX = 300  # a failed run's message, as the report quotes it

SyncState = Literal["odoo_only", "never", "ok", "stale", "failed", "unknown"]
SyncBasis = Literal["run", "cursor"]


class SyncStatus(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    state: SyncState
    jira_key: str | None = None
    last_sync: datetime | None = None  # aware, UTC: last successful run, or the worklog cursor
    basis: SyncBasis | None = None
    last_attempt: datetime | None = None  # the last recorded run, successful or not
    error: str | None = None  # why the last run failed, or why the store could not be read
    age_days: float | None = None
    location: str | None = None

    @property
    def attention(self) -> bool:
        return self.state in ("never", "stale", "failed", "unknown")


def _from_ms(value: Any) -> datetime | None:
    try:
        ms = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(ms / 1000, UTC) if ms > 0 else None


def _from_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_sync_status(sync: SyncSettings, link: ProjectLink | None, now: datetime) -> SyncStatus:
    """The project's sync status as of ``now`` (aware); never raises for a missing or unreadable store."""
    if link is None or not link.jira_key:
        return SyncStatus(state="odoo_only")
    url = sync.state_url.get_secret_value() if sync.state_url else None
    location = "the PostgreSQL sync state" if url else str(sync.state.expanduser())
    try:
        found = read_project_sync(sync.state, url, link.code)
    except ConnectorError as exc:
        return SyncStatus(state="unknown", jira_key=link.jira_key, error=exc.message, location=location)
    run, cursor = found or (None, None)
    return status_from_records(link.jira_key, run, cursor, now, location)


def status_from_records(jira_key: str, run: Any, cursor: Any, now: datetime, location: str | None = None) -> SyncStatus:
    """Decide the status from the raw records (``run`` and ``cursor`` as stored, or None)."""
    cursor_time = _from_ms(cursor)
    last_attempt = error = None
    failed = False
    if isinstance(run, dict) and _from_iso(run.get("finished_at")):
        last_attempt = _from_iso(run.get("finished_at"))
        failed = run.get("ok") is False
        error = str(run["error"])[:ERROR_MAX] if failed and run.get("error") else None
        last_ok = last_attempt if not failed else _from_iso(run.get("last_ok_at"))
        last_sync, basis = (last_ok, "run") if last_ok else (cursor_time, "cursor" if cursor_time else None)
    else:
        last_sync, basis = cursor_time, ("cursor" if cursor_time else None)
    age = (now - last_sync) / timedelta(days=1) if last_sync else None
    if failed:
        state: SyncState = "failed"
    elif last_sync is None:
        state = "never"
    elif age is not None and age > SYNC_STALE_DAYS:
        state = "stale"
    else:
        state = "ok"
    return SyncStatus(state=state, jira_key=jira_key, last_sync=last_sync, basis=basis,  # type: ignore[arg-type]
                      last_attempt=last_attempt, error=error, age_days=age, location=location)
