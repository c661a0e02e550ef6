"""Odoo faults as user-facing errors: what went wrong, how to fix it, never a password."""

from __future__ import annotations

from connector.errors import ConnectorError

SETTINGS_HINT = "check PLAYBOOK_ODOO_URL / [odoo] url in the config file"


class OdooConnectionError(ConnectorError):
    """The server cannot be reached, or what answers is not Odoo."""


class OdooAuthError(ConnectorError):
    """Odoo refused the login (user, password / API key)."""


class OdooDatabaseError(ConnectorError):
    """The database named in the settings does not exist on the server."""


class OdooServerError(ConnectorError):
    """Odoo ran the call and refused it: ``odoo_name`` is Odoo's exception (e.g. odoo.exceptions.UserError)."""

    def __init__(self, message: str, hint: str | None = None, odoo_name: str = "") -> None:
        super().__init__(message, hint)
        self.odoo_name = odoo_name


class OdooAccessError(OdooServerError):
    """The user lacks the rights for a call (AccessError / AccessDenied)."""


class OdooMissingAddon(ConnectorError):
    """The erp_playbook addon is not where it is needed."""


def server_error(name: str, message: str, where: str) -> OdooServerError:
    """Turn Odoo's exception name and message into the right error class with a fix hint."""
    short = name.rsplit(".", 1)[-1]
    text = message.strip() or short
    if short in {"AccessError", "AccessDenied"}:
        return OdooAccessError(
            f"Odoo refused {where}: {text}",
            "give the Odoo user the rights named (Settings › Users), or use an administrator; "
            "`playbook odoo doctor` lists what is missing",
            name,
        )
    if short in {"ValidationError", "UserError", "MissingError", "RedirectWarning"}:
        return OdooServerError(f"Odoo refused {where}: {text}", "correct the data Odoo names above, then rerun", name)
    return OdooServerError(
        f"Odoo failed on {where}: {short}: {text}",
        "see the Odoo server log for the traceback; rerun with -vv for the request",
        name,
    )
