"""How fresh the Jira figures are: read from the sync state without touching it, stated in the weekly report and the
confirmation certificate, and a risk when the last sync is old, failed or never happened."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connector.playbook.model import Playbook
from connector.reports.phase_docs import build_phase_report, phase_document
from connector.reports.render import render_markdown
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.sync_status import SyncStatus, read_sync_status
from connector.reports.weekly import build_weekly, weekly_document
from connector.settings import ProjectLink, SyncSettings
from connector.sync.state import SqliteState
from tests.reports.conftest import AS_OF, WEEK

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 17:00 in Taipei
LINKED = ProjectLink(code="acme_erp", odoo_project="Acme ERP", jira_key="ACME")
ODOO_ONLY = ProjectLink(code="acme_erp", odoo_project="Acme ERP")


@pytest.fixture(autouse=True)
def taipei(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times print in the machine's zone: pin it so the expected text is fixed."""
    monkeypatch.setenv("TZ", "Asia/Taipei")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _state(tmp_path: Path, **namespaces: dict[str, object]) -> SyncSettings:
    """A state file written by the sync's own store."""
    path = tmp_path / "sync.sqlite"
    store = SqliteState(path)
    for ns, values in namespaces.items():
        store.put_many(ns, values)
    store.close()
    return SyncSettings(state=path)


def _weekly_md(snap: ProjectSnapshot, playbook: Playbook, status: SyncStatus, lang: str = "en") -> tuple[str, set]:
    rep = build_weekly(snap.model_copy(update={"sync": status}), playbook, WEEK, lang)
    return render_markdown(weekly_document(rep, today=AS_OF, with_chart=False)), {r.code for r in rep.risks}


def test_odoo_only_project_without_a_state_file(tmp_path: Path, acme: ProjectSnapshot, playbook: Playbook) -> None:
    status = read_sync_status(SyncSettings(state=tmp_path / "none.sqlite"), ODOO_ONLY, NOW)
    text, codes = _weekly_md(acme, playbook, status)
    assert "- Synchronised from Jira: **Not synchronised from Jira (Odoo-only project)**" in text
    assert not {c for c in codes if c.startswith("sync_")}
    assert not (tmp_path / "none.sqlite").exists()  # reading never creates the store


def test_a_jira_project_never_synchronised_is_a_high_risk(tmp_path: Path, acme: ProjectSnapshot,
                                                          playbook: Playbook) -> None:
    status = read_sync_status(SyncSettings(state=tmp_path / "none.sqlite"), LINKED, NOW)
    assert status.state == "never"
    text, codes = _weekly_md(acme, playbook, status)
    assert "ACME: never synchronised" in text and "sync_never" in codes
    assert "[High] Jira project ACME has never been synchronised" in text


def test_recent_cursor_is_stated_without_a_risk(tmp_path: Path, acme: ProjectSnapshot, playbook: Playbook) -> None:
    settings = _state(tmp_path, cursor={"updated:acme_erp": _ms(NOW - timedelta(hours=7)),
                                        "updated:other": _ms(NOW - timedelta(days=9))})
    status = read_sync_status(settings, LINKED, NOW)
    assert (status.state, status.basis) == ("ok", "cursor")
    text, codes = _weekly_md(acme, playbook, status, "zh_TW")
    assert "- Jira 同步: **ACME：工時已讀取至 2026-11-27 10:00 UTC+08:00**" in text
    assert not {c for c in codes if c.startswith("sync_")}


def test_cursor_older_than_two_days_raises_a_risk(tmp_path: Path, acme: ProjectSnapshot, playbook: Playbook) -> None:
    settings = _state(tmp_path, cursor={"updated:acme_erp": _ms(NOW - timedelta(days=3, hours=1))})
    status = read_sync_status(settings, LINKED, NOW)
    assert status.state == "stale"
    text, codes = _weekly_md(acme, playbook, status)
    assert "worklogs read up to 2026-11-24 16:00 UTC+08:00 (3 days ago)" in text
    assert "[Watch] No Jira ACME worklog change has been read for 3 days (since 2026-11-24 16:00" in text
    assert "sync_stale" in codes


def test_two_days_is_still_fresh(tmp_path: Path) -> None:
    settings = _state(tmp_path, cursor={"updated:acme_erp": _ms(NOW - timedelta(days=2))})
    assert read_sync_status(settings, LINKED, NOW).state == "ok"


def test_a_failed_last_run_is_a_high_risk(tmp_path: Path, acme: ProjectSnapshot, playbook: Playbook) -> None:
    settings = _state(
        tmp_path, cursor={"updated:acme_erp": _ms(NOW - timedelta(days=1))},
        run={"acme_erp": {"finished_at": "2026-11-27T02:00:00+00:00", "ok": False,
                          "error": "reading changed worklogs: Jira rejected the credentials (401 Unauthorized)",
                          "last_ok_at": "2026-11-26T02:00:00+00:00"}})
    status = read_sync_status(settings, LINKED, NOW)
    assert (status.state, status.basis, status.last_sync) == ("failed", "run", datetime(2026, 11, 26, 2, tzinfo=UTC))
    text, codes = _weekly_md(acme, playbook, status)
    assert "ACME: the last run (2026-11-27 10:00 UTC+08:00) failed" in text
    assert "401 Unauthorized). The figures date from the last successful sync (2026-11-26 10:00 UTC+08:00)" in text
    assert "sync_failed" in codes


def test_a_run_record_beats_a_quiet_cursor(tmp_path: Path) -> None:
    """A site without new worklogs does not look stale when the sync records its runs."""
    settings = _state(tmp_path, cursor={"updated:acme_erp": _ms(NOW - timedelta(days=6))},
                      run={"acme_erp": {"finished_at": "2026-11-27T02:00:00Z", "ok": True}})
    status = read_sync_status(settings, LINKED, NOW)
    assert (status.state, status.basis, status.last_sync) == ("ok", "run", datetime(2026, 11, 27, 2, tzinfo=UTC))


def test_an_unreadable_state_is_a_risk_not_a_crash(tmp_path: Path, acme: ProjectSnapshot,
                                                   playbook: Playbook) -> None:
    broken = tmp_path / "sync.sqlite"
    broken.write_bytes(b"not a database at all" * 100)
    status = read_sync_status(SyncSettings(state=broken), LINKED, NOW)
    assert status.state == "unknown" and str(broken) in (status.error or "")
    text, codes = _weekly_md(acme, playbook, status)
    assert "sync_unknown" in codes and "ACME: unknown, the sync state cannot be read" in text


def test_reading_leaves_the_store_and_its_lock_alone(tmp_path: Path) -> None:
    settings = _state(tmp_path, cursor={"updated:acme_erp": _ms(NOW)})
    store = SqliteState(settings.state)
    with store.lock():  # a sync is running right now
        status = read_sync_status(settings, LINKED, NOW)
        assert status.state == "ok"
    assert store.all("cursor") == {"updated:acme_erp": _ms(NOW)} and store.all("run") == {}
    store.close()


def test_the_confirmation_certificate_states_the_sync(tmp_path: Path, acme: ProjectSnapshot,
                                                      playbook: Playbook) -> None:
    settings = _state(tmp_path, cursor={"updated:acme_erp": _ms(NOW - timedelta(hours=7))})
    snap = acme.model_copy(update={"sync": read_sync_status(settings, LINKED, NOW)})
    rep = build_phase_report(snap, playbook, "kickoff", "confirmation", "zh_CN")
    text = render_markdown(phase_document(rep, today=AS_OF))
    assert "- Jira 同步: **ACME：工时已读取至 2026-11-27 10:00 UTC+08:00**" in text
    plan = render_markdown(phase_document(build_phase_report(snap, playbook, "kickoff", "phase_plan", "en"),
                                          today=AS_OF))
    assert "Synchronised from Jira" not in plan


def test_a_dead_postgresql_host_fails_the_read_within_the_syncs_connect_timeout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports connect with the sync's own defaults (a report once hung on a dead host: it had no timeout)."""
    import sys
    import types

    from connector.sync.state import PostgresState

    seen: dict[str, object] = {}

    class Error(Exception):
        pass

    def connect(dsn: str, **kwargs: object) -> None:
        seen.update(kwargs)
        raise Error(f'could not connect to server: timeout expired ("{dsn}")')

    fake = types.ModuleType("psycopg2")
    fake.Error = Error  # type: ignore[attr-defined]
    fake.connect = connect  # type: ignore[attr-defined]
    fake.extensions = types.SimpleNamespace(parse_dsn=lambda dsn: {})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "psycopg2", fake)
    monkeypatch.setitem(sys.modules, "psycopg2.extensions", fake.extensions)  # type: ignore[arg-type]
    settings = SyncSettings(state_url="postgresql://sync:s3cret@10.0.0.99/state")  # type: ignore[arg-type]
    status = read_sync_status(settings, LINKED, NOW)
    assert status.state == "unknown" and "timeout expired" in (status.error or "")
    assert "s3cret" not in (status.error or "")
    assert seen["connect_timeout"] == PostgresState.CONNECT_DEFAULTS["connect_timeout"]
