"""The PostgreSQL sync state behaves as the SQLite file does: values, commits, the lock, a whole sync run.

Runs against a private PostgreSQL cluster (``tests/odoo/harness.PostgresCluster``, no Odoo server needed) on
127.0.0.1; every test gets a fresh database owned by the cluster's ``odoo`` role.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from connector.errors import ConnectorError
from connector.sync.engine import SyncEngine
from connector.sync.state import PostgresState, SqliteState, StateStore, SyncLockedError
from connector.sync.summary import SyncSummary
from tests.jira_contract import contract_responses, needs_spec
from tests.odoo.harness import PostgresCluster, find_pg_bin
from tests.sync.conftest import World, build_world
from tests.sync.fakes import KillableJira, Killed, KillSwitch, make_adapter

psycopg2 = pytest.importorskip("psycopg2", reason="pip install -e '.[postgres]'")

HOUR = 3600
NAMESPACES = ("cursor", "issue", "epic", "field", "pushed", "invoice", "employee", "run", "meta")


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    root = Path(tempfile.mkdtemp(prefix="erp-pg-state-"))
    root.chmod(0o755)  # the postgres OS user (we may be root) must reach its data directory
    pg = PostgresCluster(root, find_pg_bin())
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def new_url(cluster: PostgresCluster) -> Iterator[Callable[..., str]]:
    """``make(user=None, password=None)``: a fresh, empty database and the state_url to reach it."""
    made: list[str] = []

    def make(user: str | None = None, password: str | None = None, owner: str | None = None) -> str:
        name = f"st_{secrets.token_hex(4)}"
        cluster.psql(f'CREATE DATABASE "{name}" OWNER {owner or cluster.user}')
        made.append(name)
        return (f"postgresql://{user or cluster.user}:{password or cluster.password}"
                f"@{cluster.host}:{cluster.port}/{name}")

    yield make
    for name in made:
        cluster.drop_database(name)


@pytest.fixture
def url(new_url: Callable[..., str]) -> str:
    return new_url()


def wait_until_lock_free(cluster: PostgresCluster, url: str) -> None:
    """The server ends a dead client's session (and its locks) once it reads the closed socket: a moment."""
    db = url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 30
    sql = (f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
           f"AND objid = {PostgresState.LOCK_KEY} AND database = (SELECT oid FROM pg_database WHERE datname = '{db}')")
    while cluster.psql(sql) != "0":
        assert time.monotonic() < deadline, "the server kept a dead session's advisory lock for 30 s"
        time.sleep(0.1)


# ------------------------------------------------------------------------------------------- values
VALUES: dict[str, Any] = {
    "int": 1_750_000_000_000,
    "float": 0.1 + 0.2,
    "none": None,
    "flags": [True, False],
    "nested": {"project": "acme", "phase": "analysis", "ids": [1, 2, 3], "deep": {"x": None}},
    "text": "Ünïcode ✓ 'quotes' \"double\" back\\slash \x00 nul and\nnewline",
    "empty": "",
    "key with spaces / and 'quotes'": {},
}


def exercise(store: StateStore) -> list[Any]:
    """The same operations on a store; what it answered at each step."""
    seen: list[Any] = []
    store.put_many("issue", VALUES)
    store.put_many("cursor", {"updated:acme": 5, "deleted:acme": 7})
    store.put_many("issue", {"int": 2})  # overwrite one, keep the rest
    seen.append(store.all("issue"))
    seen.append(store.get_many("issue", ["int", "nested", "missing", "int"]))
    seen.append(store.get_many("issue", []))
    seen.append(store.get_many("issue", (k for k in ["text"])))
    store.delete("issue", ["none", "missing"])
    store.delete("cursor", [])
    seen.append(sorted(store.all("issue")))
    seen.append(store.all("cursor"))
    store.delete("issue")
    seen.append((store.all("issue"), store.all("cursor"), store.all("never-written")))
    store.put_many("pushed", {"10001": "digest"})
    store.put_many("pushed", {})
    return seen


def test_values_round_trip_per_namespace_exactly_as_in_sqlite(url: str, tmp_path: Path) -> None:
    sqlite = SqliteState(tmp_path / "sync.sqlite")
    with closing(PostgresState(url)) as pg, closing(sqlite):
        assert exercise(pg) == exercise(sqlite)
        assert pg.all("issue") == {}  # cleared above
    with closing(PostgresState(url)) as again:  # survives reconnecting
        assert again.all("pushed") == {"10001": "digest"}
        assert again.all("cursor") == {"updated:acme": 5, "deleted:acme": 7}
        many = {f"{n}": {"n": n} for n in range(1234)}  # more than one statement's worth of rows
        again.put_many("issue", many)
        assert again.all("issue") == many
        assert again.get_many("issue", many) == many


def test_every_write_is_committed_at_once(url: str) -> None:
    with closing(PostgresState(url)) as writer, closing(psycopg2.connect(url)) as reader:
        reader.autocommit = True
        writer.put_many("cursor", {"updated:acme": 5})
        with reader.cursor() as cur:
            cur.execute("SELECT v FROM sync_kv WHERE ns = 'cursor' AND k = 'updated:acme'")
            assert cur.fetchone() == ("5",)
        writer.delete("cursor", ["updated:acme"])
        with reader.cursor() as cur:
            cur.execute("SELECT count(*) FROM sync_kv WHERE ns = 'cursor'")
            assert cur.fetchone() == (0,)


def test_a_batch_the_server_rejects_writes_none_of_its_rows(url: str, cluster: PostgresCluster) -> None:
    with closing(PostgresState(url)) as store:
        store.put_many("issue", {"0": "before"})
        db = url.rsplit("/", 1)[1]
        cluster.psql("CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
                     "IF NEW.k = 'poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END$$;"
                     "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON sync_kv FOR EACH ROW "
                     "EXECUTE FUNCTION refuse_poison()", db=db)
        batch = {str(n): "after" for n in range(1200)} | {"poison": 1}  # the bad row is in the last statement

        with pytest.raises(ConnectorError, match="poisoned row") as caught:
            store.put_many("issue", batch)

        assert type(caught.value) is ConnectorError and "while writing" in caught.value.message
        assert store.all("issue") == {"0": "before"}
        store.put_many("issue", {"1": "after"})  # the connection is usable again
        assert store.get_many("issue", ["0", "1"]) == {"0": "before", "1": "after"}


# --------------------------------------------------------------------------------------------- lock
def test_a_second_store_refuses_while_the_first_holds_the_lock(url: str) -> None:
    with closing(PostgresState(url)) as first, closing(PostgresState(url)) as second:
        with first.lock():
            with pytest.raises(SyncLockedError) as caught, second.lock():
                pass
            with pytest.raises(SyncLockedError), first.lock():  # no silent nesting on one connection either
                pass
        assert f"pid {os.getpid()}" in caught.value.message and caught.value.exit_code == 3
        assert "postgresql database" in caught.value.message and caught.value.hint
        assert "sync_kv" not in caught.value.message
        with second.lock():  # free again once released
            assert second.all("lock")["holder"]["pid"] == os.getpid()
        assert second.all("lock") == {}


def test_a_killed_holder_does_not_block_the_next_run(url: str, cluster: PostgresCluster) -> None:
    script = textwrap.dedent("""
        import os, signal, sys
        from connector.sync.state import PostgresState
        with PostgresState(os.environ["STATE_URL"]).lock():
            print("locked", flush=True)
            sys.stdin.readline()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "STATE_URL": url})
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with closing(PostgresState(url)) as store:
            with pytest.raises(SyncLockedError, match=f"pid {proc.pid}"), store.lock():
                pass
            assert proc.stdin is not None
            proc.stdin.write("\n")
            proc.stdin.flush()
            assert proc.wait(timeout=30) == -signal.SIGKILL
            wait_until_lock_free(cluster, url)
            with store.lock():
                assert store.all("lock")["holder"]["pid"] == os.getpid()  # the dead holder's note replaced
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_lost_connection_fails_with_a_clear_error_and_frees_the_lock(url: str, cluster: PostgresCluster) -> None:
    db = url.rsplit("/", 1)[1]
    with closing(PostgresState(url)) as store, pytest.raises(ConnectorError) as caught, store.lock():
        cluster.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'")
        store.put_many("cursor", {"updated:acme": 1})
    assert "while writing" in caught.value.message and db in caught.value.message  # not masked by the release
    wait_until_lock_free(cluster, url)
    with closing(PostgresState(url)) as next_run, next_run.lock():
        pass


# ----------------------------------------------------------------------------------- connection errors
def secret_free(exc: BaseException, password: str) -> bool:
    text = "".join(traceback.format_exception(exc))
    chain: BaseException | None = exc
    while chain is not None:
        text += str(chain)
        chain = chain.__cause__ or chain.__context__
    return password not in text


@pytest.mark.parametrize("kind", ["wrong password", "mistyped scheme", "no scheme", "keyword form"])
def test_bad_credentials_or_urls_give_a_clear_error_without_the_password(kind: str, url: str) -> None:
    password = "S3cret-" + secrets.token_hex(4)
    rest = url.split("@", 1)[1]  # host:port/db
    host_port, db = rest.split("/")
    host, port = host_port.split(":")
    bad = {
        "wrong password": f"postgresql://odoo:{password}@{rest}",
        "mistyped scheme": f"postgres:/odoo:{password}@{rest}",
        "no scheme": f"odoo:{password}@{rest}",
        "keyword form": f"host={host} port={port} dbname={db} user=odoo password={password}",
    }[kind]

    with pytest.raises(ConnectorError) as caught:
        PostgresState(bad)

    assert caught.value.message.startswith("cannot connect to the sync state database: ")
    assert "PLAYBOOK_SYNC_STATE_URL" in (caught.value.hint or "")
    assert secret_free(caught.value, password)
    if kind in ("wrong password", "keyword form"):
        assert 'password authentication failed for user "odoo"' in caught.value.message


def test_a_role_that_may_not_create_tables_is_told_how_to_get_one(
        cluster: PostgresCluster, new_url: Callable[..., str]) -> None:
    role, password = f"rw_{secrets.token_hex(3)}", secrets.token_hex(8)
    cluster.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    url = new_url(user=role, password=password, owner="postgres")  # PostgreSQL 15+: no CREATE in public for others

    with pytest.raises(ConnectorError) as caught:
        PostgresState(url)

    assert "has no table sync_kv" in caught.value.message and f"user {role}" in caught.value.message
    assert f"GRANT SELECT, INSERT, UPDATE, DELETE ON sync_kv TO {role}" in (caught.value.hint or "")
    # Done as the hint says, the same role works without any right to create tables.
    db = url.rsplit("/", 1)[1]
    cluster.psql(f"CREATE TABLE sync_kv (ns TEXT NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (ns, k));"
                 f"GRANT SELECT, INSERT, UPDATE, DELETE ON sync_kv TO {role}", db=db)
    with closing(PostgresState(url)) as store, store.lock():
        store.put_many("cursor", {"updated:acme": 1})
        assert store.all("cursor") == {"updated:acme": 1}


# ------------------------------------------------------------------------------------ a whole sync run
def run_engine(world: World, state: StateStore, kill_at: int | None = None) -> SyncSummary:
    """``World.run`` with the given store instead of the SQLite file."""
    switch = KillSwitch(kill_at)
    world.odoo.switch = switch
    jira: Any = KillableJira(make_adapter(world.sleeps), switch)
    try:
        return SyncEngine(odoo=world.odoo, jira=jira, state=state).run(world.links)
    finally:
        state.close()


def log_work(world: World) -> None:
    j, i = world.jira, world.issues
    j.log(i["analysis"], 8 * HOUR, comment="workshop")
    j.log(i["check"], 4 * HOUR)
    j.log(i["bare"], 2 * HOUR)
    j.log(i["other"], HOUR)  # a Jira project not in the configuration


def comparable(summary: SyncSummary) -> dict[str, Any]:
    return {k: v for k, v in summary.as_dict().items() if k != "seconds"}


def stored(store: StateStore) -> dict[str, Any]:
    with closing(store):
        out = {ns: store.all(ns) for ns in NAMESPACES}
    # Wall-clock stamps differ between the two runs by nature.
    out["run"] = {code: {**run, "finished_at": "-", "last_ok_at": "-"} for code, run in out["run"].items()}
    out["meta"].pop("fields_fetched", None)
    return out


@needs_spec
def test_a_sync_run_on_postgresql_matches_sqlite_and_a_rerun_creates_nothing(url: str, tmp_path: Path) -> None:
    with contract_responses() as rsps:
        reference = build_world(rsps, tmp_path / "sqlite")
        log_work(reference)
        expected = run_engine(reference, SqliteState(reference.state_path))
    with contract_responses() as rsps:
        world = build_world(rsps, tmp_path / "pg")
        log_work(world)

        first = run_engine(world, PostgresState(url))

        assert first.ok, first.as_dict()
        assert comparable(first) == comparable(expected)
        assert world.lines() == reference.lines() and len(world.lines()) == 3
        assert stored(PostgresState(url)) == stored(SqliteState(reference.state_path))

        again = run_engine(world, PostgresState(url))

        assert again.ok
        assert sum(p.created + p.updated + p.deleted + p.jira_updates for p in again.projects) == 0
        assert world.lines() == reference.lines()
        assert world.jira.violations == []


@needs_spec
def test_a_run_killed_midway_resumes_on_postgresql_without_duplicates(url: str, tmp_path: Path) -> None:
    with contract_responses() as rsps:
        reference = build_world(rsps, tmp_path / "sqlite")
        log_work(reference)
        run_engine(reference, SqliteState(reference.state_path))
    with contract_responses() as rsps:
        world = build_world(rsps, tmp_path / "pg")
        log_work(world)
        calls = 0
        for kill_at in range(4, 60, 4):  # kill it again and again, later each time, until a run completes
            try:
                summary = run_engine(world, PostgresState(url), kill_at=kill_at)
            except Killed:
                calls += 1
                continue
            break
        assert calls > 0 and summary.ok
        assert world.lines() == reference.lines()


@needs_spec
def test_a_sync_refuses_to_start_while_another_holds_the_postgresql_lock(url: str, tmp_path: Path) -> None:
    with contract_responses() as rsps:
        world = build_world(rsps, tmp_path)
        with closing(PostgresState(url)) as holder:
            with holder.lock(), pytest.raises(SyncLockedError, match=f"pid {os.getpid()}"):
                run_engine(world, PostgresState(url))
            assert world.odoo.rpc_calls == 0
        assert run_engine(world, PostgresState(url)).ok


def test_reports_read_the_postgresql_state_read_only_while_a_sync_runs(url: str) -> None:
    """The reports' reader: values while the sync holds its lock, no table created, no password in errors."""
    from connector.sync.state import read_values

    wanted = [("run", "acme"), ("cursor", "updated:acme")]
    assert read_values(Path("unused.sqlite"), url, wanted) is None  # nothing written yet
    with closing(psycopg2.connect(url)) as db, db.cursor() as cur:
        cur.execute("SELECT to_regclass('sync_kv')")
        assert cur.fetchone()[0] is None, "a report must not create the sync's table"
    store = PostgresState(url)
    record = {"finished_at": "2026-11-27T02:00:00Z", "ok": True}
    store.put_many("run", {"acme": record})
    with store.lock():
        assert read_values(Path("unused.sqlite"), url, wanted) == {("run", "acme"): record}
    store.close()
    wrong = url.replace(url.split("@")[0].rsplit(":", 1)[1], "not-the-password")
    with pytest.raises(ConnectorError) as info:
        read_values(Path("unused.sqlite"), wrong, wanted)
    assert "cannot connect to the sync state database" in info.value.message
    assert "not-the-password" not in info.value.message
