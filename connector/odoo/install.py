"""`playbook odoo install`: install or upgrade erp_playbook over RPC, then load the playbook templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connector.odoo.client import OdooClient
from connector.odoo.doctor import (
    ADDON,
    ADDON_SERIES,
    OTHER_SERIES_HINT,
    addon_folder,
    has_right,
    wrong_series,
    wrong_series_hint,
)
from connector.odoo.errors import OdooAccessError, OdooMissingAddon
from connector.playbook.model import Playbook


@dataclass
class InstallResult:
    action: str  # "installed", "upgraded", "up to date", or "would ..." on a dry run
    state_before: str
    version_before: str | None
    version_after: str | None = None
    playbook: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    rpc_calls: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"addon": ADDON, "action": self.action, "state_before": self.state_before,
                "version_before": self.version_before, "version_after": self.version_after,
                "playbook": self.playbook, "dry_run": self.dry_run, "rpc_calls": self.rpc_calls}


def _module(client: OdooClient) -> dict[str, Any] | None:
    rows = client.search_read("ir.module.module", [("name", "=", ADDON)],
                              ["id", "state", "latest_version", "installed_version"])
    return rows[0] if rows else None


def install_addon(client: OdooClient, playbook: Playbook | None, *, upgrade: bool = False,
                  dry_run: bool = False) -> InstallResult:
    """Idempotent: an installed, current addon is left alone (``upgrade`` forces an upgrade)."""
    start = client.rpc_calls
    client.connect()
    major = client.version.major
    if major not in ADDON_SERIES:
        raise OdooMissingAddon(f"this server runs Odoo {client.version}; {ADDON} cannot be installed on it",
                               OTHER_SERIES_HINT)
    if not has_right(client, "ir.module.module", "write"):
        raise OdooAccessError(f"{client.user!r} may not install modules on {client.db!r}",
                              "run this as an Odoo administrator (group 'Administration: Settings')")
    if not dry_run:
        # Makes Odoo see an addon copied onto the addons path since the last scan.
        client.execute("ir.module.module", "update_list")
    module = _module(client)
    if module is None:
        raise OdooMissingAddon(
            f"the Odoo server has no {ADDON} addon on its addons path",
            f"put the repository's {addon_folder(major)} folder on the server's addons_path in odoo.conf "
            "(docs/odoo.md: to copy it alone, `cp -rL`), restart Odoo, then rerun `playbook odoo install`")
    state = module["state"]
    mismatch = wrong_series(module, major)
    if mismatch and state != "installed":
        raise OdooMissingAddon(f"{mismatch}: Odoo cannot install it", wrong_series_hint(module, major))
    if state == "uninstallable":
        raise OdooMissingAddon(f"Odoo sees {ADDON} but cannot install it (a dependency is missing)",
                               "make project, hr_timesheet, account and portal available on the addons path")
    stale = module.get("latest_version") != module.get("installed_version")
    if state == "installed":
        action = "upgraded" if (upgrade or stale) else "up to date"
        method = "button_immediate_upgrade" if action == "upgraded" else None
    else:
        action, method = "installed", "button_immediate_install"
    result = InstallResult(action, state, module.get("latest_version") or None, dry_run=dry_run)
    if dry_run:
        if method:
            result.action = f"would be {action}"
        result.playbook = {"would_load": playbook.key} if playbook else {}
        result.rpc_calls = client.rpc_calls - start
        return result
    if method:
        client.execute("ir.module.module", method, [module["id"]])
        module = _module(client) or module
    result.version_after = module.get("latest_version") or None
    if playbook is not None:
        counts = client.execute("erp.playbook", "load_playbook", playbook.model_dump(mode="json"))
        result.playbook = {"key": playbook.key, "version": playbook.version, **(counts or {})}
    result.rpc_calls = client.rpc_calls - start
    return result
