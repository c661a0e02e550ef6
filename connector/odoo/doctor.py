"""`playbook odoo doctor`: can this user provision on this server, and what exactly must change if not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connector.checks import DoctorResult, Status
from connector.errors import ConnectorError
from connector.odoo.client import OdooClient, public_url
from connector.odoo.errors import OdooAccessError, OdooDatabaseError
from connector.odoo.provision import addon_installed

ADDON = "erp_playbook"
ADDON_DEPENDS = ("project", "hr_timesheet", "account", "portal")
ADDON_SERIES = (18, 19)  # the Odoo major versions erp_playbook exists for: odoo_addon/18.0, odoo_addon/19.0
OTHER_SERIES_HINT = (f"{ADDON} is written for Odoo {' and '.join(f'{s}.0' for s in ADDON_SERIES)}; on this server "
                     f"keep provisioning plain projects, and do not put any odoo_addon/ folder on its addons_path "
                     f"(Odoo 17 refuses to load any database while a module for another series is on it)")


def addon_folder(major: int) -> str:
    """The repository folder a server of this Odoo series needs on its addons path."""
    return f"odoo_addon/{major}.0"


def wrong_series(module: dict[str, Any], major: int) -> str | None:
    """Why Odoo cannot install the addon it sees, when the folder on its path is of another series.

    ``installed_version`` is the manifest's version as Odoo reads it from disk (``18.0.1.0.0``), whatever
    the state: Odoo marks a module of another series uninstallable with only a log line, which otherwise
    looks exactly like a missing dependency.
    """
    on_disk = str(module.get("installed_version") or "")
    if major not in ADDON_SERIES or not on_disk or on_disk.startswith(f"{major}.0."):
        return None
    series = ".".join(on_disk.split(".")[:2])
    return (f"the {ADDON} on the server's addons path is the {series} module ({on_disk}) and this server runs "
            f"Odoo {major}.0")


def wrong_series_hint(module: dict[str, Any], major: int) -> str:
    other = str(module.get("installed_version") or "?").split(".")[0]
    return (f"replace odoo_addon/{other}.0 by {addon_folder(major)} in the server's addons_path, restart Odoo, "
            "then run `playbook odoo install`")


# (model, operation, what it is needed for, the group that grants it)
BASE_RIGHTS = (
    ("project.project", "create", "create projects", "Project: Administrator"),
    ("project.task", "create", "create tasks", "Project: User"),
    ("project.task.type", "create", "create the phase stages", "Project: Administrator"),
    ("project.milestone", "create", "create milestones (gates without the addon)", "Project: Administrator"),
    ("ir.model.data", "read", "find what an earlier run created (external ids)", "Administration: Access Rights"),
)
ADDON_RIGHTS = (
    ("erp.project.phase", "create", "create phases", "Implementation Playbook: Consultant"),
    ("erp.signoff", "create", "create sign-offs", "Implementation Playbook: Consultant"),
    ("erp.payment.milestone", "create", "create payment milestones", "Implementation Playbook: Implementation Manager"),
)
INSTALL_RIGHT = ("ir.module.module", "write", "install or upgrade the addon (`playbook odoo install`)",
                 "Administration: Settings")


@dataclass(kw_only=True)
class DoctorReport(DoctorResult):
    """The doctor's result, with what it learnt of the server (its --json keeps these fields, and no "ok")."""

    url: str
    db: str
    user: str
    server_version: str | None = None
    addon_state: str | None = None
    rpc_calls: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "db": self.db, "user": self.user, "server_version": self.server_version,
                "addon_state": self.addon_state, "exit_code": self.exit_code, "rpc_calls": self.rpc_calls,
                "checks": [c.as_dict() for c in self.checks]}


def has_right(client: OdooClient, model: str, operation: str) -> bool:
    if client.version.major >= 18:
        return bool(client.execute(model, "has_access", [], operation))
    return bool(client.execute(model, "check_access_rights", operation, raise_exception=False))


def run_doctor(client: OdooClient) -> DoctorReport:
    report = DoctorReport(url=public_url(client.url), db=client.db, user=client.user)
    try:
        _run(client, report)
    finally:
        report.rpc_calls = client.rpc_calls
    return report


def _run(client: OdooClient, report: DoctorReport) -> None:
    try:
        version = client.version
    except ConnectorError as exc:
        report.add("server", "fail", exc.message, exc.hint)
        return
    report.server_version = str(version)
    protocol = "JSON-2 (API key)" if client.uses_json2 else "JSON-RPC"
    report.add("server", "ok", f"Odoo {version} at {report.url}, {protocol}")
    try:
        client.connect()
    except OdooDatabaseError as exc:
        report.add("database", "fail", exc.message + _known_databases(client), exc.hint)
        return
    except ConnectorError as exc:
        report.add("login", "fail", exc.message, exc.hint)
        return
    report.add("login", "ok", f"logged in as {client.user!r} (uid {client.uid}) on database {client.db!r}")
    _check_rights(client, report, BASE_RIGHTS, "fail")
    modules = _read_modules(client, report)
    _check_rights(client, report, (INSTALL_RIGHT,), "warn")
    if modules is None:
        installed = addon_installed(client)
        report.addon_state = "installed" if installed else "unknown"
        report.add("addon", "ok" if installed else "warn",
                   f"{ADDON} is {'installed' if installed else 'not installed (or not readable)'}",
                   None if installed else "ask an administrator to run `playbook odoo install`")
    else:
        _check_modules(report, modules, client.version.major)
    if report.addon_state == "installed":
        _check_rights(client, report, ADDON_RIGHTS, "fail")


def _known_databases(client: OdooClient) -> str:
    try:
        names = client.list_databases()
    except ConnectorError:  # list_db = False on the server
        return ""
    return f" (databases: {', '.join(names)})" if names else ""


def _check_rights(client: OdooClient, report: DoctorReport, rights: tuple[tuple[str, str, str, str], ...],
                  severity: Status) -> None:
    missing = []
    for model, operation, purpose, group in rights:
        try:
            allowed = has_right(client, model, operation)
        except ConnectorError:
            allowed = False
        if not allowed:
            missing.append((model, operation, purpose, group))
    for model, operation, purpose, group in missing:
        report.add(f"rights {model}", severity, f"{client.user!r} may not {operation} {model}: needed to {purpose}",
                   f"add the user to the group '{group}' (Settings › Users)")
    if not missing:
        report.add("rights", "ok", f"{client.user!r} may " + "; ".join(sorted({r[2] for r in rights})))


def _read_modules(client: OdooClient, report: DoctorReport) -> dict[str, dict[str, Any]] | None:
    try:
        rows = client.search_read("ir.module.module", [("name", "in", [ADDON, *ADDON_DEPENDS])],
                                  ["name", "state", "latest_version", "installed_version"])
    except OdooAccessError:
        return None
    return {r["name"]: r for r in rows}


def _check_modules(report: DoctorReport, modules: dict[str, dict[str, Any]], major: int) -> None:
    if modules.get("project", {}).get("state") != "installed":
        report.add("module project", "fail", "the Project app is not installed",
                   "install Project (Apps › Project), or run `playbook odoo install`, which installs it with the addon")
    for name in ADDON_DEPENDS[1:]:
        if modules.get(name, {}).get("state") != "installed":
            report.add(f"module {name}", "warn", f"{name} (needed by {ADDON}) is not installed",
                       f"`playbook odoo install` installs it with {ADDON}")
    addon = modules.get(ADDON)
    if addon is None:
        report.addon_state = "absent"
        report.add("addon", "warn",
                   f"{ADDON} is not known to this database: provisioning falls back to plain Odoo projects "
                   "(no payment milestones, no man-day tracking)",
                   f"put the repository's {addon_folder(major)} folder on the server's addons_path, restart Odoo, "
                   "then run `playbook odoo install`" if major in ADDON_SERIES else OTHER_SERIES_HINT)
        return
    state = addon["state"]
    report.addon_state = state
    mismatch = wrong_series(addon, major)
    if mismatch and state != "installed":
        report.addon_state = "wrong series"
        report.add("addon", "fail", f"{mismatch}: Odoo cannot install it", wrong_series_hint(addon, major))
        return
    if state == "installed":
        db_version, disk_version = addon.get("latest_version"), addon.get("installed_version")
        if db_version and disk_version and db_version != disk_version:
            report.addon_state = "upgrade available"
            report.add("addon", "warn", f"{ADDON} {db_version} is installed, the server has {disk_version}",
                       "run `playbook odoo install` to upgrade it")
        else:
            report.add("addon", "ok", f"{ADDON} {db_version} is installed")
    elif state == "uninstallable":
        report.add("addon", "fail", f"{ADDON} is on the addons path but Odoo cannot install it",
                   f"make {', '.join(ADDON_DEPENDS)} available on the addons path (Odoo Community has them)")
    else:
        report.add("addon", "warn", f"{ADDON} is {state.replace('_', ' ')}: provisioning falls back to plain Odoo "
                                    "projects (no payment milestones, no man-day tracking)",
                   "run `playbook odoo install`")
