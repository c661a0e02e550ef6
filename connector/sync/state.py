"""Sync state: cursors and id mappings in one small key-value table, plus a lock against concurrent runs.

Default store: one SQLite file (``settings.sync.state``). Optional: PostgreSQL (``settings.sync.state_url``),
same table, same interface. Every ``put_many`` / ``delete`` commits at once, so a run killed at any point
leaves the store as of its last completed write; the engine writes a cursor only after the batch it covers
is committed on the target.

Namespaces the engine uses: ``cursor`` (ms timestamps per project and feed), ``issue`` (Jira issue id →
project/phase), ``epic`` (project/kind/key → Jira issue), ``field`` (Jira custom field ids by name),
``pushed`` (digest of what was last written to a Jira issue), ``meta`` (when caches were filled), ``project``
(connector code → Odoo project id found by external id),
``invoice`` (milestone → last invoice seen),
``employee`` (Jira author → Odoo employee id, see ``connector.sync.authors``), ``signoff`` (per gate: the states
Odoo and Jira last agreed in, see ``connector.sync.signoffs``; not a cache, so ``--full`` keeps it),
``run`` (per project: finished_at, ok, error, last_ok_at; read by connector/reports/sync_status.py; never rebuilt).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import unquote

from connector.errors import ConnectorError

log = logging.getLogger(__name__)

SCHEMA = "CREATE TABLE IF NOT EXISTS sync_kv (ns TEXT NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (ns, k))"
# Namespaces that only cache what can be read again; --full clears them together with the cursors.
REBUILDABLE = ("cursor", "issue", "epic", "field", "pushed", "employee", "meta", "project")
NS_RUN, NS_CURSOR, NS_META, NS_PROJECT = "run", "cursor", "meta", "project"
FEEDS = ("updated", "deleted")  # Jira's two worklog feeds; one cursor each per project


# -- key formats: spelled here only (the engine and the reports both go through these) --------------------------
def cursor_key(feed: str, code: str) -> str:
    """``cursor`` / ``updated:<code>``: ms since the epoch the project's last committed batch of a feed reached."""
    return f"{feed}:{code}"


def project_cursor_keys(code: str) -> list[str]:
    return [cursor_key(feed, code) for feed in FEEDS]


def epic_key(code: str, kind: str, key: str) -> str:
    """``epic`` / ``<code>|<kind>|<key>``: the Jira issue id of a project's phase epic or payment-milestone issue."""
    return f"{code}|{kind}|{key}"


# ``meta``: bookkeeping about the caches, kept out of the data namespaces they describe.
META_FIELDS_FETCHED = "fields_fetched"  # when the ``field`` namespace was last read from Jira (epoch seconds)


def meta_epics_scanned(code: str) -> str:
    """Set once the project's tracked issues were searched, so a project without epics is not searched nightly."""
    return f"epics_scanned:{code}"


def run_record(finished_at: str, ok: bool, error: str | None, before: dict[str, Any] | None) -> dict[str, Any]:
    """``run`` / ``<code>``: when the project's last run finished and whether it failed (the reports show it)."""
    return {"finished_at": finished_at, "ok": ok, "error": error,
            "last_ok_at": finished_at if ok else (before or {}).get("last_ok_at")}


STATE_HINT = ("set [sync] state (PLAYBOOK_SYNC_STATE) to a file on a writable disk, or make its folder writable "
              "for the user running the sync")


class SyncLockedError(ConnectorError):
    """Another run holds the lock."""

    exit_code = 3


class StateStore(Protocol):
    location: str

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, Any]: ...

    def all(self, ns: str) -> dict[str, Any]: ...

    def put_many(self, ns: str, values: dict[str, Any]) -> None: ...

    def delete(self, ns: str, keys: Iterable[str] | None = None) -> None: ...

    def lock(self) -> contextlib.AbstractContextManager[None]: ...

    def close(self) -> None: ...


def _holder() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": time.strftime("%Y-%m-%d %H:%M:%S")}


def _locked_error(holder: str, where: str) -> SyncLockedError:
    return SyncLockedError(
        f"another `playbook sync` is running ({holder or 'holder unknown'}; lock {where})",
        "wait for it to finish; a run that crashed or was killed releases the lock by itself",
    )


class SqliteState:
    """The SQLite file; the lock is an ``flock`` on ``<file>.lock``, which the kernel drops when the holder dies."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise ConnectorError(f"cannot open the sync state {self.path}: {exc}", STATE_HINT) from None
        # The run writes its cursors, the lock and its record here: a read-only disk or file is said up front, not
        # as a traceback at the first write (SQLite opens a read-only file without complaint).
        unwritable = [p for p in (self.path.parent, self.path) if p.exists() and not os.access(p, os.W_OK)]
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(SCHEMA)
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            self._db.close()
            unwritable = unwritable or [self.path]
            problem = str(exc)
        else:
            problem = "read-only file system or no write permission"
        if unwritable:
            self._db.close()
            raise ConnectorError(f"the sync state {unwritable[0]} is not writable ({problem})", STATE_HINT)
        self.location = str(self.path)

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, Any]:
        wanted = list(dict.fromkeys(keys))
        out: dict[str, Any] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT k, v FROM sync_kv WHERE ns = ? AND k IN ({marks})", [ns, *chunk])
            out.update((k, json.loads(v)) for k, v in rows)
        return out

    def all(self, ns: str) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._db.execute("SELECT k, v FROM sync_kv WHERE ns = ?", [ns])}

    def put_many(self, ns: str, values: dict[str, Any]) -> None:
        if not values:
            return
        rows = [(ns, k, json.dumps(v, sort_keys=True)) for k, v in values.items()]
        with self._tx():
            self._db.executemany("INSERT OR REPLACE INTO sync_kv (ns, k, v) VALUES (?, ?, ?)", rows)

    def delete(self, ns: str, keys: Iterable[str] | None = None) -> None:
        with self._tx():
            if keys is None:
                self._db.execute("DELETE FROM sync_kv WHERE ns = ?", [ns])
            else:
                self._db.executemany("DELETE FROM sync_kv WHERE ns = ? AND k = ?", [(ns, k) for k in keys])

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise ConnectorError(f"cannot write the sync state {self.path}: {exc}", STATE_HINT) from None
        try:
            yield
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            raise ConnectorError(f"cannot write the sync state {self.path}: {exc}", STATE_HINT) from None
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise ConnectorError(f"cannot write the sync state {self.path}: {exc}", STATE_HINT) from None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConnectorError(f"cannot create the sync lock {lock_path}: {exc.strerror}", STATE_HINT) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 512, 0).decode(errors="replace").strip()
                raise _locked_error(_describe(holder), str(lock_path)) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(_holder()).encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def close(self) -> None:
        self._db.close()


def _describe(raw: str) -> str:
    try:
        data = json.loads(raw)
        return f"pid {data['pid']} on {data['host']} since {data['since']}"
    except (ValueError, KeyError, TypeError):
        return ""


class PostgresState:
    """The same table in PostgreSQL; the lock is a session advisory lock, released when the connection dies.

    Every driver error becomes a ``ConnectorError`` with the password of ``state_url`` taken out: libpq echoes a
    malformed connection string verbatim.
    """

    LOCK_KEY = 0x5EB0_0C5C  # arbitrary, fixed: one nightly sync per state database
    SCHEMA_LOCK_KEY = 0x5EB0_0C5D  # serialises the first CREATE TABLE of concurrent first runs
    # Defaults the URL may override: a dead host fails the run instead of hanging it; pg_stat_activity names us.
    CONNECT_DEFAULTS: ClassVar[dict[str, str]] = {"connect_timeout": "15", "application_name": "erp-playbook sync"}

    def __init__(self, url: str) -> None:
        try:
            import psycopg2  # type: ignore[import-untyped]
            import psycopg2.extensions  # type: ignore[import-untyped]
            import psycopg2.extras  # type: ignore[import-untyped]
        except ImportError:
            raise ConnectorError(
                "a PostgreSQL sync state needs the psycopg2 package",
                "pip install -e '.[postgres]' (or psycopg2-binary), or drop [sync] state_url to use the SQLite file",
            ) from None
        self._pg = psycopg2
        self._url = url
        self._held = False
        self.location = "the PostgreSQL sync state"
        problem: str | None = None
        try:
            given = psycopg2.extensions.parse_dsn(url)
            self._db = psycopg2.connect(url, **{k: v for k, v in self.CONNECT_DEFAULTS.items() if k not in given})
        except psycopg2.Error as exc:
            problem = redact(str(exc).strip(), url)
        if problem is not None:  # raised outside the except block: the driver's exception may quote the URL
            raise ConnectorError(f"cannot connect to the sync state database: {problem}",
                                 "check [sync] state_url (PLAYBOOK_SYNC_STATE_URL): postgresql://user:password@host"
                                 "[:port]/database, and that the server is up and reachable")
        self._db.autocommit = True  # reads see the latest commit; writes run in `with self._db` transactions
        self.location = f"postgresql database {self._db.info.dbname} on {self._db.info.host}:{self._db.info.port}"
        try:
            self._ensure_table()
        except BaseException:
            self._db.close()
            raise

    def _ensure_table(self) -> None:
        """Create ``sync_kv`` on first use; a role that may only read and write an existing table works too."""
        with self._errors("preparing"), self._db, self._db.cursor() as cur:
            cur.execute("SELECT to_regclass('sync_kv') IS NOT NULL")
            if cur.fetchone()[0]:
                return
            cur.execute("SELECT has_schema_privilege(current_schema(), 'CREATE'), current_user, current_schema()")
            may_create, user, schema = cur.fetchone()
            if not may_create:
                raise ConnectorError(
                    f"{self.location} has no table sync_kv and the user {user} may not create it in schema {schema}",
                    f"make {user} the database's owner (CREATE DATABASE ... OWNER {user}), or have the owner run: "
                    f"{SCHEMA}; GRANT SELECT, INSERT, UPDATE, DELETE ON sync_kv TO {user}",
                )
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (self.SCHEMA_LOCK_KEY,))
            cur.execute(SCHEMA)

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Driver errors as a ``ConnectorError`` naming the database and never the password."""
        problem: str | None = None
        try:
            yield
        except self._pg.Error as exc:
            problem = redact(str(exc).strip() or type(exc).__name__, self._url)
        if problem is not None:
            raise ConnectorError(
                f"the sync state database failed while {doing}: {problem} ({self.location})",
                "check that the PostgreSQL server is up and reachable; the next run resumes from the last "
                "completed write",
            )

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, Any]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        with self._errors("reading"), self._db.cursor() as cur:
            cur.execute("SELECT k, v FROM sync_kv WHERE ns = %s AND k = ANY(%s)", (ns, wanted))
            return {k: json.loads(v) for k, v in cur.fetchall()}

    def all(self, ns: str) -> dict[str, Any]:
        with self._errors("reading"), self._db.cursor() as cur:
            cur.execute("SELECT k, v FROM sync_kv WHERE ns = %s", (ns,))
            return {k: json.loads(v) for k, v in cur.fetchall()}

    def put_many(self, ns: str, values: dict[str, Any]) -> None:
        if not values:
            return
        rows = [(ns, k, json.dumps(v, sort_keys=True)) for k, v in values.items()]
        # One transaction, few round trips: execute_values sends 500 rows per statement (executemany sends one).
        with self._errors("writing"), self._db, self._db.cursor() as cur:
            self._pg.extras.execute_values(
                cur, "INSERT INTO sync_kv (ns, k, v) VALUES %s ON CONFLICT (ns, k) DO UPDATE SET v = EXCLUDED.v",
                rows, page_size=500)

    def delete(self, ns: str, keys: Iterable[str] | None = None) -> None:
        gone = None if keys is None else list(keys)
        with self._errors("deleting"), self._db, self._db.cursor() as cur:
            if gone is None:
                cur.execute("DELETE FROM sync_kv WHERE ns = %s", (ns,))
            elif gone:
                cur.execute("DELETE FROM sync_kv WHERE ns = %s AND k = ANY(%s)", (ns, gone))

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        # Advisory locks nest within one session; refuse like the file lock does instead of nesting silently.
        with self._errors("taking the lock"), self._db.cursor() as cur:
            taken = not self._held
            if taken:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (self.LOCK_KEY,))
                taken = bool(cur.fetchone()[0])
            if not taken:
                cur.execute("SELECT v FROM sync_kv WHERE ns = 'lock' AND k = 'holder'")
                row = cur.fetchone()
        if not taken:
            raise _locked_error(_describe(row[0]) if row else "", self.location)
        self._held = True
        try:
            self.put_many("lock", {"holder": _holder()})
            yield
        finally:
            self._held = False
            self._release()

    def _release(self) -> None:
        """Best effort: when the connection is gone the server has dropped the lock already; never mask an error."""
        try:
            self.delete("lock")
            with self._errors("releasing the lock"), self._db.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", (self.LOCK_KEY,))
        except ConnectorError as exc:
            log.warning("could not release the sync lock cleanly (the server drops it with the connection): %s",
                        exc.message)
            self._db.close()

    def close(self) -> None:
        self._db.close()


_USERINFO_PASSWORD = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:/*)?[^:@/\s]*:([^@\s]+)@")
_KEYWORD_PASSWORD = re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def redact(text: str, url: str) -> str:
    """``text`` with every spelling of the password in ``url`` (URL or key=value form) replaced by ``***``."""
    secrets: set[str] = set()
    match = _USERINFO_PASSWORD.match(url)
    if match:
        secrets.add(match.group(1))
    for found in _KEYWORD_PASSWORD.findall(url):
        secrets.update({found, found.strip("'")})
    for secret in list(secrets):
        secrets.add(unquote(secret))
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def open_state(state_path: Path, state_url: str | None = None) -> StateStore:
    """The configured store: PostgreSQL when ``state_url`` is set, else the SQLite file."""
    if state_url:
        return PostgresState(state_url)
    return SqliteState(state_path)


class DryRunState:
    """Reads through to a real store, keeps every write in memory: a dry run leaves the store untouched."""

    def __init__(self, inner: StateStore) -> None:
        self.inner = inner
        self.location = inner.location
        self._values: dict[tuple[str, str], Any] = {}
        self._cleared: set[str] = set()
        self._deleted: set[tuple[str, str]] = set()

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys)
        base = {} if ns in self._cleared else self.inner.get_many(ns, keys)
        out = {k: v for k, v in base.items() if (ns, k) not in self._deleted}
        out.update({k: self._values[(ns, k)] for k in keys if (ns, k) in self._values})
        return out

    def all(self, ns: str) -> dict[str, Any]:
        base = {} if ns in self._cleared else self.inner.all(ns)
        out = {k: v for k, v in base.items() if (ns, k) not in self._deleted}
        out.update({k: v for (n, k), v in self._values.items() if n == ns})
        return out

    def put_many(self, ns: str, values: dict[str, Any]) -> None:
        for k, v in values.items():
            self._values[(ns, k)] = v
            self._deleted.discard((ns, k))

    def delete(self, ns: str, keys: Iterable[str] | None = None) -> None:
        if keys is None:
            self._cleared.add(ns)
            self._values = {key: v for key, v in self._values.items() if key[0] != ns}
            return
        for k in keys:
            self._values.pop((ns, k), None)
            self._deleted.add((ns, k))

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return self.inner.lock()

    def close(self) -> None:
        self.inner.close()


# -- read-only access, for the reports ------------------------------------------------------------------------
def read_values(state_path: Path, state_url: str | None,
                wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any] | None:
    """The ``(namespace, key)`` values in ``wanted`` that the store holds, for a reader that must not disturb a run.

    Nothing is created, locked or written: the SQLite file is opened ``mode=ro`` (readable while a sync holds
    its lock), PostgreSQL in a read-only session with the sync's connect defaults (a dead host fails within
    ``connect_timeout`` instead of hanging the report). None when there is no store or no table yet; a store
    that exists but cannot be read raises ``ConnectorError`` (the password of ``state_url`` never in it).
    """
    wanted = list(wanted)
    if state_url:
        return _read_postgres(state_url, wanted)
    return _read_sqlite(Path(state_path).expanduser(), wanted)


def _read_sqlite(path: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Any] | None:
    if not path.is_file():
        return None
    hint = "check [sync] state in the config: it must name the sync's SQLite file, readable by this user"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise ConnectorError(f"cannot open {path}: {exc}", hint) from None
    try:
        out: dict[tuple[str, str], Any] = {}
        for ns, key in wanted:
            row = db.execute("SELECT v FROM sync_kv WHERE ns = ? AND k = ?", (ns, key)).fetchone()
            if row is not None:
                out[(ns, key)] = json.loads(row[0])
        return out
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None  # created but never written
        raise ConnectorError(f"cannot read {path}: {exc}", hint) from None
    except (sqlite3.Error, ValueError) as exc:
        raise ConnectorError(f"cannot read {path}: {exc}", hint) from None
    finally:
        db.close()


def _read_postgres(url: str, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Any] | None:
    hint = "check [sync] state_url (PLAYBOOK_SYNC_STATE_URL) and that the PostgreSQL server is up and reachable"
    try:
        import psycopg2  # type: ignore[import-untyped]
        import psycopg2.extensions  # type: ignore[import-untyped]
    except ImportError:
        raise ConnectorError("the sync state is in PostgreSQL and the psycopg2 package is not installed",
                             "pip install -e '.[postgres]' (or psycopg2-binary)") from None
    defaults = dict(PostgresState.CONNECT_DEFAULTS, application_name="erp-playbook reports")
    problem: str | None = None
    try:
        given = psycopg2.extensions.parse_dsn(url)
        db = psycopg2.connect(url, **{k: v for k, v in defaults.items() if k not in given})
    except psycopg2.Error as exc:  # the driver may echo the URL: never its password
        problem = redact(str(exc).strip(), url)
    if problem is not None:
        raise ConnectorError(f"cannot connect to the sync state database: {problem}", hint)
    try:
        db.set_session(readonly=True, autocommit=True)
        out: dict[tuple[str, str], Any] = {}
        with db.cursor() as cur:
            cur.execute("SELECT to_regclass('sync_kv')")
            if cur.fetchone()[0] is None:
                return None
            for ns, key in wanted:
                cur.execute("SELECT v FROM sync_kv WHERE ns = %s AND k = %s", (ns, key))
                row = cur.fetchone()
                if row is not None:
                    out[(ns, key)] = json.loads(row[0])
        return out
    except (psycopg2.Error, ValueError) as exc:
        problem = redact(str(exc).strip(), url)
    finally:
        db.close()
    raise ConnectorError(f"cannot read the sync state database: {problem}", hint)


def read_project_sync(state_path: Path, state_url: str | None,
                      code: str) -> tuple[dict[str, Any] | None, Any] | None:
    """(the ``run`` record, the ``updated`` worklog cursor) of one project, read-only (``read_values``); None when
    there is no store yet."""
    run, cursor = (NS_RUN, code), (NS_CURSOR, cursor_key("updated", code))
    values = read_values(state_path, state_url, [run, cursor])
    if values is None:
        return None
    return values.get(run), values.get(cursor)
