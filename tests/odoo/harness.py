"""A real Odoo (18 or 19) for tests: a private PostgreSQL cluster and an Odoo server, both on 127.0.0.1.

Nothing here touches the machine's own PostgreSQL cluster or an Odoo you run yourself: the harness
``initdb``s a throw-away cluster in a temporary directory, creates the template databases Odoo needs
(``project``, ``hr_timesheet``, ``account``, no demo data; a second one with ``erp_playbook`` installed),
serves them with ``odoo-bin`` and hands out cheap copies (``CREATE DATABASE ... TEMPLATE``) to tests.

Initialising the base database takes about a minute, so the initialised cluster is cached between runs
(``ODOO_TEST_CACHE``, default ``~/.cache/erp-playbook/odoo-test``), keyed by a hash of the Odoo tree's
release file, the module list and, for the addon template, every file under ``odoo_addon/<series>/``. A cache
entry is a stopped cluster's data directory plus Odoo's filestore, copied in with ``cp -a``.

Environment:
    ODOO_SRC         an Odoo 18 or 19 tree (the directory holding ``odoo-bin``); tests skip without it.
                     Its ``odoo/release.py`` gives the series: the addon comes from ``odoo_addon/<series>``
                     and, on 19+, admin logs in over JSON-2 with an API key the harness makes itself.
    ODOO_PYTHON      interpreter with Odoo's requirements installed (default: the one running pytest)
    ODOO_PG_BIN      PostgreSQL's bin directory (default: ``pg_config --bindir`` or /usr/lib/postgresql/*/bin)
    ODOO_TEST_CACHE  where initialised clusters are kept; ``off`` disables the cache
    ODOO_TEST_KEEP   ``1`` keeps the temporary directory (logs, cluster) after the session
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
ADDONS_ROOT = REPO_ROOT / "odoo_addon"
ADDON_NAME = "erp_playbook"
BASE_MODULES = ("project", "hr_timesheet", "account")
BASE_TEMPLATE = "erp_tpl_base"
ADDON_TEMPLATE = "erp_tpl_addon"
SESSION_DB = "erp_session"
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"  # Odoo's default for a database created without the database manager
# Odoo 19 serves external calls over JSON-2 only with an API key; made once per base template, kept beside it.
JSON2_FROM_SERIES = 19
API_KEY_FILE = "admin-api-key"
DB_USER = "odoo"
# Bump when the way templates are built changes, so stale cache entries are not reused.
CACHE_SCHEMA = "2"
SKIP_REASON = (
    "set ODOO_SRC to an Odoo 18 or 19 tree (the directory with odoo-bin) and ODOO_PYTHON to a Python with its "
    "requirements to run the live Odoo tests; see docs/odoo.md"
)


class HarnessError(RuntimeError):
    """The harness could not bring up PostgreSQL or Odoo; the message says what and where the log is."""


# --------------------------------------------------------------------------------------------- helpers
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for error messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def _hash_tree(digest: hashlib._Hash, root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())


def find_pg_bin() -> Path:
    """PostgreSQL's server binaries: ODOO_PG_BIN, else pg_config's bindir, else the newest Debian install."""
    env = os.environ.get("ODOO_PG_BIN")
    candidates: list[str] = [env] if env else []
    if not env:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
            candidates.append(out.stdout.strip())
        candidates += sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(re.sub(r"\D", "", p) or 0), reverse=True
        )
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise HarnessError(
        "no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql or set ODOO_PG_BIN "
        "to their directory (e.g. /usr/lib/postgresql/15/bin)"
    )


@dataclass(frozen=True)
class OdooSource:
    """Where Odoo is and which Python runs it, from the environment."""

    src: Path
    python: str

    @classmethod
    def from_env(cls) -> OdooSource | None:
        """None when ODOO_SRC is unset (tests skip); an error when it is set but wrong (tests fail)."""
        raw = os.environ.get("ODOO_SRC", "").strip()
        if not raw:
            return None
        src = Path(raw).expanduser().resolve()
        if not (src / "odoo-bin").is_file():
            raise HarnessError(f"ODOO_SRC={raw} has no odoo-bin; point it at the root of an Odoo 18 or 19 tree")
        python = os.environ.get("ODOO_PYTHON", "").strip() or sys.executable
        if not shutil.which(python) and not Path(python).is_file():
            raise HarnessError(
                f"ODOO_PYTHON={python} is not an executable; point it at a Python with Odoo's requirements"
            )
        return cls(src=src, python=python)

    @property
    def odoo_bin(self) -> Path:
        return self.src / "odoo-bin"

    @property
    def series(self) -> int:
        """The Odoo major version of the tree, from ``odoo/release.py`` (``version_info = (19, 0, ...)``)."""
        release = (self.src / "odoo" / "release.py").read_text()
        match = re.search(r"^version_info\s*=\s*\(\s*(\d+)\s*,", release, re.MULTILINE)
        if not match:
            raise HarnessError(f"{self.src}/odoo/release.py has no version_info: is ODOO_SRC an Odoo tree?")
        return int(match.group(1))

    @property
    def addons_dir(self) -> Path:
        """The folder holding this series' ``erp_playbook`` (what a user puts on the addons path)."""
        return ADDONS_ROOT / f"{self.series}.0"

    @property
    def uses_api_key(self) -> bool:
        return self.series >= JSON2_FROM_SERIES

    @property
    def addons_path(self) -> str:
        return ",".join([str(self.src / "odoo" / "addons"), str(self.src / "addons"), str(self.addons_dir)])

    def base_key(self) -> str:
        digest = hashlib.sha256(f"{CACHE_SCHEMA}|{self.src}|{','.join(BASE_MODULES)}".encode())
        digest.update((self.src / "odoo" / "release.py").read_bytes())
        return digest.hexdigest()[:16]

    def addon_key(self) -> str:
        digest = hashlib.sha256(self.base_key().encode())
        if self.addons_dir.is_dir():
            _hash_tree(digest, self.addons_dir)
        return digest.hexdigest()[:16]


# ------------------------------------------------------------------------------------------ PostgreSQL
class PostgresCluster:
    """A throw-away cluster owned by the ``postgres`` OS user when we are root (initdb refuses root)."""

    def __init__(self, root: Path, bindir: Path) -> None:
        self.root = root
        self.bindir = bindir
        self.datadir = root / "pgdata"
        self.sockdir = root / "pgsock"
        self.logfile = root / "postgres.log"
        self.host = "127.0.0.1"
        self.port = 0
        self.user = DB_USER
        self.password = ""
        self._password_file = root / "db-password"

    # Running as root: every server-side command goes through runuser, and files must be postgres-owned.
    def _as_owner(self, argv: Sequence[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return list(argv)

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", str(path)], check=True)

    def _run(self, argv: Sequence[str], what: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(self._as_owner(argv), capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != 0:
            raise HarnessError(
                f"PostgreSQL {what} failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}\n"
                f"--- last lines of {self.logfile} ---\n{tail(self.logfile)}"
            )
        return proc

    def init(self) -> None:
        self.datadir.mkdir(mode=0o700)
        self._chown(self.datadir)
        # -N: no fsync; the cluster is disposable and this saves seconds on a 2-core machine.
        self._run(
            [
                str(self.bindir / "initdb"),
                "-N",
                "-D",
                str(self.datadir),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ],
            "initdb",
        )
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n")

    def start(self) -> None:
        self.sockdir.mkdir(exist_ok=True)
        self._chown(self.sockdir)
        if not self.logfile.exists():
            self.logfile.touch()
        self._chown(self.logfile)
        self.port = free_port()
        options = f"-h 127.0.0.1 -p {self.port} -k {self.sockdir}"
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.datadir),
                "-o",
                options,
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                "60",
                "start",
            ],
            "start",
        )
        self.ensure_role()

    def stop(self) -> None:
        if not (self.datadir / "postmaster.pid").exists():
            return
        with contextlib.suppress(HarnessError, subprocess.TimeoutExpired):
            self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"], "stop")

    def ensure_role(self) -> None:
        """The ``odoo`` role Odoo logs in as (Odoo refuses ``postgres``), with a fresh password each session."""
        self.password = secrets.token_urlsafe(16)
        self.psql(
            f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{self.user}') THEN "
            f"CREATE ROLE {self.user} LOGIN CREATEDB; END IF; END$$;"
            f"ALTER ROLE {self.user} PASSWORD '{self.password}';"
        )

    def psql(self, sql: str, db: str = "postgres") -> str:
        """Run SQL as the cluster's superuser over the private unix socket; returns unaligned output."""
        proc = self._run(
            [
                str(self.bindir / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.sockdir),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-c",
                sql,
            ],
            "psql",
        )
        return proc.stdout.strip()

    def databases(self) -> list[str]:
        return self.psql("SELECT datname FROM pg_database WHERE NOT datistemplate").split()

    def copy_database(self, source: str, target: str) -> None:
        # CREATE DATABASE ... TEMPLATE needs the source idle; the templates are never served, but be sure.
        self.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{source}'")
        self.psql(f'CREATE DATABASE "{target}" OWNER {self.user} TEMPLATE "{source}"')

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_database(cluster: PostgresCluster, data_dir: Path, source: str, target: str) -> None:
    """Copy a database and its filestore (Odoo keeps attachments, web assets among them, outside PostgreSQL)."""
    cluster.copy_database(source, target)
    store = data_dir / "filestore" / source
    if store.is_dir():
        shutil.copytree(store, data_dir / "filestore" / target, dirs_exist_ok=True)


# ---------------------------------------------------------------------------------------------- Odoo
@dataclass
class OdooRun:
    """The outcome of a one-shot ``odoo-bin`` command; ``output`` is its whole log."""

    args: list[str]
    returncode: int
    log_path: Path
    seconds: float

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 60) -> str:
        return tail(self.log_path, lines)

    def test_summary(self) -> str | None:
        """Odoo's closing test line, e.g. ``0 failed, 0 error(s) of 12 tests when loading database 'x'``."""
        found = re.findall(r"\d+ failed, \d+ error\(s\) of \d+ tests[^\n]*", self.output)
        return found[-1] if found else None


@dataclass
class OdooServer:
    """What a test needs to talk to the running Odoo, and helpers to make databases and run odoo-bin.

    ``db`` is a session-wide database (base modules, no addon) that every test may read and write;
    tests that need a clean slate use the ``odoo_db`` / ``odoo_addon_db`` fixtures instead.
    """

    url: str
    host: str
    port: int
    db: str
    login: str
    password: str = field(repr=False)  # what the connector logs in with: admin's password on 18, an API key on 19+
    addons_path: str
    version: str
    source: OdooSource
    cluster: PostgresCluster
    workdir: Path
    data_dir: Path
    config_file: Path
    log_path: Path
    addon_template_error: str | None = None
    web_password: str = ADMIN_PASSWORD  # the login form's password (a browser, /web/session/authenticate)
    _counter: list[int] = field(default_factory=lambda: [0])
    _clients: dict[str, Any] = field(default_factory=dict)

    @property
    def series(self) -> int:
        return self.source.series

    # -- databases ---------------------------------------------------------------------------------
    def new_database(self, name: str | None = None, *, with_addon: bool = False) -> str:
        """A fresh copy of the base template (or of the one with ``erp_playbook`` installed); takes ~1 s."""
        if with_addon and self.addon_template_error:
            raise HarnessError(self.addon_template_error)
        self._counter[0] += 1
        name = name or f"erp_t{self._counter[0]}_{secrets.token_hex(3)}"
        template = ADDON_TEMPLATE if with_addon else BASE_TEMPLATE
        copy_database(self.cluster, self.data_dir, template, name)
        return name

    def drop_database(self, name: str) -> None:
        self.cluster.drop_database(name)
        shutil.rmtree(self.data_dir / "filestore" / name, ignore_errors=True)

    # -- one-shot odoo-bin -------------------------------------------------------------------------
    def run_odoo(self, *args: str, db: str, timeout: float = 1200, log_name: str | None = None,
                 wrapper: Path | None = None) -> OdooRun:
        """Run ``odoo-bin -c <session config> -d db <args>``, e.g. ``-i erp_playbook --test-enable
        --test-tags /erp_playbook --stop-after-init``. Add ``--stop-after-init`` yourself.

        Its own HTTP port keeps it clear of the running server (test mode starts an HTTP server too).
        """
        self._counter[0] += 1
        log_path = self.workdir / "logs" / f"{log_name or 'odoo-bin'}-{self._counter[0]}.log"
        argv = [
            self.source.python,
            *([str(wrapper)] if wrapper else []),  # a script that patches Odoo, then runs odoo-bin
            str(self.source.odoo_bin),
            "-c",
            str(self.config_file),
            "-d",
            db,
            "--http-port",
            str(free_port()),
            *args,
        ]
        started = time.monotonic()
        with log_path.open("w") as log:
            try:
                proc = subprocess.run(
                    argv,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=timeout,
                    cwd=self.workdir,
                    env=_odoo_env(),
                    check=False,
                )
                code = proc.returncode
            except subprocess.TimeoutExpired:
                log.write(f"\n[harness] odoo-bin killed after {timeout} s\n")
                code = -9
        return OdooRun(args=list(args), returncode=code, log_path=log_path, seconds=time.monotonic() - started)

    def credential_for(self, db: str, login: str, password: str) -> str:
        """What ``login`` gives the connector: the password on 18, a new API key on 19+ (JSON-2 wants one)."""
        if not self.source.uses_api_key:
            return password
        return make_api_key(self.source, self.config_file, self.workdir, db, login)

    # -- RPC conveniences --------------------------------------------------------------------------
    def jsonrpc(self, service: str, method: str, *args: object) -> object:
        """Call ``/jsonrpc`` (e.g. ``("object", "execute_kw", db, uid, pwd, model, method, args)``)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"service": service, "method": method, "args": list(args)},
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            body = json.loads(response.read())
        if body.get("error"):
            data = body["error"].get("data") or {}
            raise HarnessError(f"{data.get('name', 'error')}: {data.get('message', body['error'])}")
        return body["result"]

    def execute(self, db: str, model: str, method: str, *args: object, **kwargs: object) -> object:
        """``execute_kw`` as admin on ``db``: over JSON-2 with the API key on 19+ (no deprecated endpoint)."""
        if self.source.uses_api_key:
            from connector.odoo.client import OdooClient  # the connector's own JSON-2 client

            client = self._clients.get(db)
            if client is None:
                client = self._clients[db] = OdooClient(self.url, db, self.login, self.password, protocol="json2")
            args, kwargs = _json2_arguments(method, args, kwargs)
            result = client.execute(model, method, *args, **kwargs)
            # execute_kw answers create({...}) with an id, JSON-2 with a list of one: keep tests series-blind.
            if method == "create" and args and isinstance(args[0], dict) and isinstance(result, list):
                return result[0]
            return result
        uid = self.jsonrpc("common", "login", db, self.login, self.password)
        return self.jsonrpc("object", "execute_kw", db, uid, self.password, model, method, list(args), kwargs)


@dataclass(frozen=True)
class OdooDatabase:
    """One database on the running server, as the ``odoo_db`` / ``odoo_addon_db`` fixtures hand it out."""

    name: str
    server: OdooServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def login(self) -> str:
        return self.server.login

    @property
    def password(self) -> str:
        return self.server.password

    def execute(self, model: str, method: str, *args: object, **kwargs: object) -> object:
        """``execute_kw`` as admin on this database."""
        return self.server.execute(self.name, model, method, *args, **kwargs)


# execute_kw's positional arguments the connector's JSON-2 client does not name itself.
_JSON2_NAMES = {"check_object_reference": ("module", "xml_id")}


def _json2_arguments(method: str, args: tuple[object, ...], kwargs: dict[str, object]
                     ) -> tuple[tuple[object, ...], dict[str, object]]:
    """Name what tests pass positionally that the connector's client cannot name (it knows ids and its own calls)."""
    if method in _JSON2_NAMES:
        return (), {**kwargs, **dict(zip(_JSON2_NAMES[method], args, strict=True))}
    return args, kwargs


def make_api_key(source: OdooSource, config_file: Path, workdir: Path, db: str, login: str) -> str:
    """A new API key for ``login`` on ``db`` (Odoo 19+), made with ``odoo-bin shell`` as an administrator would
    (Preferences › Account Security › New API Key does the same); about 10 s."""
    script = (
        "import datetime\n"
        f"user = env['res.users'].search([('login', '=', {login!r})])\n"
        # Only administrators may make keys that never expire; a day is plenty for a test.
        "expiry = None if user._is_admin() else datetime.datetime.now() + datetime.timedelta(days=1)\n"
        "key = env['res.users.apikeys'].with_user(user)._generate(None, 'erp-playbook tests', expiry)\n"
        "env.cr.commit()\n"
        "print('ERP_API_KEY=' + key)\n"
    )
    log_path = workdir / "logs" / f"api-key-{db}-{login}.log"
    proc = subprocess.run(
        [source.python, str(source.odoo_bin), "shell", "-c", str(config_file), "-d", db, "--no-http"],
        input=script, capture_output=True, text=True, timeout=300, cwd=workdir, env=_odoo_env(), check=False,
    )
    log_path.write_text(proc.stderr)  # Odoo's log; the key itself is only on stdout
    match = re.search(r"ERP_API_KEY=([0-9a-f]+)", proc.stdout)
    if proc.returncode != 0 or not match:
        raise HarnessError(f"making an API key for {login} on {db} failed (exit {proc.returncode}); log {log_path}:\n"
                           f"{tail(log_path)}")
    return match.group(1)


def _odoo_env() -> dict[str, str]:
    env = dict(os.environ)
    # Odoo must not pick up the test venv's PYTHONPATH tweaks or an unrelated odoo package.
    env.pop("PYTHONPATH", None)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _write_config(path: Path, cluster: PostgresCluster, source: OdooSource, data_dir: Path, http_port: int) -> None:
    path.write_text(
        "[options]\n"
        f"addons_path = {source.addons_path}\n"
        f"data_dir = {data_dir}\n"
        f"db_host = {cluster.host}\n"
        f"db_port = {cluster.port}\n"
        f"db_user = {cluster.user}\n"
        f"db_password = {cluster.password}\n"
        "db_sslmode = disable\n"
        "http_interface = 127.0.0.1\n"
        f"http_port = {http_port}\n"
        "workers = 0\n"
        "max_cron_threads = 0\n"
        + ("without_demo = all\n" if source.series < 19 else "")  # no demo is 19's default; the option warns
        + "list_db = True\n"
        "log_level = info\n"
    )
    path.chmod(0o600)  # holds the session's database password


class OdooHarness:
    """Brings the cluster and server up (``start``) and down (``stop``); the fixtures wrap this."""

    def __init__(self, source: OdooSource, workdir: Path | None = None) -> None:
        self.source = source
        if workdir is None:
            workdir = Path(tempfile.mkdtemp(prefix="erp-odoo-test-"))
        self.workdir = workdir
        # The postgres OS user must be able to traverse into its data directory.
        self.workdir.chmod(0o755)
        (self.workdir / "logs").mkdir(exist_ok=True)
        self.cluster = PostgresCluster(self.workdir, find_pg_bin())
        self.data_dir = self.workdir / "odoo-data"
        self.config_file = self.workdir / "odoo.conf"
        self.server_log = self.workdir / "logs" / "odoo-server.log"
        self._process: subprocess.Popen[bytes] | None = None
        self.timings: dict[str, float] = {}
        self.server: OdooServer | None = None
        cache = os.environ.get("ODOO_TEST_CACHE", "").strip()
        self.cache_dir: Path | None = None
        if cache.lower() not in {"off", "0", "no", "false"}:
            self.cache_dir = Path(cache).expanduser() if cache else Path.home() / ".cache/erp-playbook/odoo-test"

    # -- cache ---------------------------------------------------------------------------------------
    def _cache_entry(self, key: str) -> Path | None:
        if self.cache_dir is None:
            return None
        entry = self.cache_dir / key
        return entry if (entry / "pgdata" / "PG_VERSION").exists() else None

    def _restore(self, entry: Path) -> None:
        subprocess.run(["cp", "-a", str(entry / "pgdata"), str(self.cluster.datadir)], check=True)
        if (entry / "odoo-data").is_dir():
            subprocess.run(["cp", "-a", str(entry / "odoo-data"), str(self.data_dir)], check=True)

    def _save(self, key: str, prefix: str) -> None:
        """Snapshot the stopped cluster; atomic rename so concurrent runs never see half an entry."""
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.cache_dir))
        try:
            subprocess.run(["cp", "-a", str(self.cluster.datadir), str(staging / "pgdata")], check=True)
            if self.data_dir.is_dir():
                subprocess.run(["cp", "-a", str(self.data_dir), str(staging / "odoo-data")], check=True)
            (staging / "kind").write_text(prefix)
            staging.chmod(0o755)
            try:
                staging.rename(self.cache_dir / key)
            except OSError:  # another run saved the same key first
                shutil.rmtree(staging, ignore_errors=True)
        except (OSError, subprocess.CalledProcessError):
            shutil.rmtree(staging, ignore_errors=True)
            return
        self._prune(prefix, keep=key)

    def _prune(self, prefix: str, keep: str, max_entries: int = 2) -> None:
        """Keep the newest few entries of a kind; an old addon build is useless after the addon changed."""
        assert self.cache_dir is not None
        entries = [p for p in self.cache_dir.iterdir() if (p / "kind").is_file() and (p / "kind").read_text() == prefix]
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[max_entries:]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)

    # -- lifecycle -----------------------------------------------------------------------------------
    def start(self) -> OdooServer:
        started = time.monotonic()
        base_key, addon_key = self.source.base_key(), self.source.addon_key()
        addon_error: str | None = None
        entry = self._cache_entry(addon_key) or self._cache_entry(base_key)
        if entry is not None:
            self._restore(entry)
            self.cluster.start()
            self._config(http_port=free_port())
        else:
            self.cluster.init()
            self.cluster.start()
            self._config(http_port=free_port())
            self._build_base_template()
            self._snapshot(base_key, "base")
        self.timings["cluster"] = time.monotonic() - started
        if BASE_TEMPLATE not in self.cluster.databases():
            raise HarnessError(f"cached cluster {entry} has no {BASE_TEMPLATE}; delete it and rerun")
        if ADDON_TEMPLATE not in self.cluster.databases():
            step = time.monotonic()
            addon_error = self._build_addon_template()
            self.timings["addon_template"] = time.monotonic() - step
            if addon_error is None:
                self._snapshot(addon_key, "addon")
        copy_database(self.cluster, self.data_dir, BASE_TEMPLATE, SESSION_DB)
        step = time.monotonic()
        port = self._serve()
        self.timings["server"] = time.monotonic() - step
        self.server = self._server_record(port=port, db=SESSION_DB, version=self._version(port),
                                          addon_template_error=addon_error)
        return self.server

    def _config(self, http_port: int) -> None:
        self.data_dir.mkdir(exist_ok=True)
        _write_config(self.config_file, self.cluster, self.source, self.data_dir, http_port)

    def _snapshot(self, key: str, prefix: str) -> None:
        if self.cache_dir is None:
            return
        self.cluster.stop()
        self._save(key, prefix)
        self.cluster.start()
        self._config(http_port=free_port())  # the password changed with the restart

    def _server_record(self, *, port: int, db: str, version: str,
                       addon_template_error: str | None = None) -> OdooServer:
        """What tests get to talk to Odoo; ``port=0`` for a one-shot odoo-bin that serves nothing."""
        return OdooServer(
            url=f"http://127.0.0.1:{port}" if port else "",
            host="127.0.0.1",
            port=port,
            db=db,
            login=ADMIN_LOGIN,
            password=self._credential() if port else ADMIN_PASSWORD,
            addons_path=self.source.addons_path,
            version=version,
            source=self.source,
            cluster=self.cluster,
            workdir=self.workdir,
            data_dir=self.data_dir,
            config_file=self.config_file,
            log_path=self.server_log,
            addon_template_error=addon_template_error,
        )

    def _one_shot(self, *args: str, db: str, log_name: str) -> OdooRun:
        runner = self._server_record(port=0, db=db, version="")
        return runner.run_odoo(*args, db=db, log_name=log_name)

    def _build_base_template(self) -> None:
        step = time.monotonic()
        demo = ("--without-demo=all",) if self.source.series < 19 else ()
        run = self._one_shot(
            "-i", ",".join(BASE_MODULES), *demo, "--stop-after-init", db=BASE_TEMPLATE, log_name="init-base"
        )
        self.timings["base_template"] = time.monotonic() - step
        if run.returncode != 0:
            raise HarnessError(
                f"creating the base database failed (exit {run.returncode}); log {run.log_path}:\n{run.tail()}"
            )
        if self.source.uses_api_key:
            self._make_api_key()

    def _make_api_key(self) -> None:
        """Give admin an API key in the base template (copied into every database made from it)."""
        key = make_api_key(self.source, self.config_file, self.workdir, BASE_TEMPLATE, ADMIN_LOGIN)
        self.data_dir.mkdir(exist_ok=True)
        key_file = self.data_dir / API_KEY_FILE
        key_file.write_text(key)
        key_file.chmod(0o600)

    def _credential(self) -> str:
        """What the connector logs in with: the password on 18, the API key made with the base template on 19+."""
        if not self.source.uses_api_key:
            return ADMIN_PASSWORD
        key_file = self.data_dir / API_KEY_FILE
        if not key_file.is_file():
            raise HarnessError(f"no API key at {key_file}: the cached cluster predates it; delete the cache entry")
        return key_file.read_text().strip()

    def _build_addon_template(self) -> str | None:
        """Install the addon into a copy of the base; an error message instead of raising, so the base still serves."""
        addon = self.source.addons_dir / ADDON_NAME
        if not (addon / "__manifest__.py").is_file():
            return f"{addon} has no __manifest__.py (no erp_playbook for Odoo {self.source.series}.0 yet)"
        copy_database(self.cluster, self.data_dir, BASE_TEMPLATE, ADDON_TEMPLATE)
        run = self._one_shot("-i", ADDON_NAME, "--stop-after-init", db=ADDON_TEMPLATE, log_name="init-addon")
        if run.returncode != 0:
            self.cluster.drop_database(ADDON_TEMPLATE)
            return f"installing {ADDON_NAME} failed (exit {run.returncode}); log {run.log_path}:\n{run.tail()}"
        return None

    def _serve(self) -> int:
        port = free_port()
        self._config(http_port=port)
        log = self.server_log.open("ab")
        argv = [self.source.python, str(self.source.odoo_bin), "-c", str(self.config_file)]
        self._process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir, env=_odoo_env(), start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise HarnessError(
                    f"odoo-bin exited with {self._process.returncode} while starting; log {self.server_log}:\n"
                    f"{tail(self.server_log)}"
                )
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5) as response,
            ):
                if response.status == 200:
                    return port
            time.sleep(0.5)
        self.stop()
        raise HarnessError(
            f"Odoo did not answer /web/health within 120 s; log {self.server_log}:\n{tail(self.server_log)}"
        )

    def _version(self, port: int) -> str:
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/web/webclient/version_info",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return str(json.loads(response.read())["result"]["server_version"])

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._process = None
        self.cluster.stop()

    def cleanup(self) -> None:
        self.stop()
        if os.environ.get("ODOO_TEST_KEEP") != "1":
            shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def running_odoo(source: OdooSource, workdir: Path | None = None) -> Iterator[OdooServer]:
    """Odoo and its PostgreSQL for the duration of the block, e.g. in a bench script."""
    harness = OdooHarness(source, workdir)
    try:
        yield harness.start()
    finally:
        harness.cleanup()
