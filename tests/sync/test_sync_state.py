"""The state store and its lock: one run at a time, and a crashed run never blocks the next night."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from connector.sync.state import DryRunState, SqliteState, SyncLockedError
from tests.sync.conftest import World


def test_values_survive_reopening_and_dry_run_overlay_keeps_writes_to_itself(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "sync.sqlite"
    store = SqliteState(path)
    store.put_many("cursor", {"updated:a": 5, "updated:b": 7})
    store.close()
    store = SqliteState(path)
    overlay = DryRunState(store)
    overlay.put_many("cursor", {"updated:a": 9})
    overlay.delete("cursor", ["updated:b"])
    assert overlay.all("cursor") == {"updated:a": 9}
    assert store.all("cursor") == {"updated:a": 5, "updated:b": 7}
    store.close()


def test_a_second_concurrent_run_refuses_to_start(world: World) -> None:
    holder = SqliteState(world.state_path)
    try:
        with holder.lock(), pytest.raises(SyncLockedError) as caught:
            world.run()
    finally:
        holder.close()
    assert f"pid {os.getpid()}" in caught.value.message and caught.value.exit_code != 0
    assert world.odoo.rpc_calls == 0
    assert world.run().ok  # free again once the holder is gone


def test_a_killed_holder_leaves_no_lock_behind(tmp_path: Path) -> None:
    path = tmp_path / "sync.sqlite"
    script = textwrap.dedent(f"""
        import os, signal, sys
        from connector.sync.state import SqliteState
        with SqliteState({str(path)!r}).lock():
            print("locked", flush=True)
            sys.stdin.readline()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        store = SqliteState(path)
        with pytest.raises(SyncLockedError, match=f"pid {proc.pid}"), store.lock():
            pass
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.wait(timeout=30) == -signal.SIGKILL
        with store.lock():
            pass  # the kernel dropped the dead holder's lock
        store.close()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_cache_bookkeeping_lives_outside_the_data_namespaces(world: World) -> None:
    """When the fields were read and which projects' epics were searched is ``meta``: a field or an epic mapping
    is never a sentinel, and a second run searches neither again."""
    assert world.run().ok
    assert not [k for k in world.state("field") if k.startswith("_")]
    assert not [k for k in world.state("epic") if "_found" in k]
    assert {"fields_fetched", "epics_scanned:acme"} <= set(world.state("meta"))
    world.jira.calls.clear()
    assert world.run().ok
    assert world.jira.count("/field") == 0 and len(world.jira.calls) == 3  # the two feeds, the sign-off search
