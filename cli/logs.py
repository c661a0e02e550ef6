"""Log output of the command line: one stderr handler, levels by ``-v`` count, every line masked of secrets.

    (none)  warnings only, as ``warning: ...``
    -v      progress of each step (INFO)
    -vv     debug of erp-playbook itself and one line per HTTP request (urllib3)
    -vvv    also the libraries' own debug dumps (odoolib's RPC arguments and results, jira's session)

Whatever the level, secrets are masked (connector.redact): the libraries' dumps contain the password otherwise.
"""

from __future__ import annotations

import logging
import os
import sys

from connector import redact

# Libraries whose debug output is a dump of every payload: shown from -vvv on.
CHATTY = ("odoolib", "jira", "requests_oauthlib", "oauthlib", "matplotlib", "PIL", "fontTools", "charset_normalizer")
SECRET_VARIABLES = ("PLAYBOOK_ODOO_PASSWORD", "PLAYBOOK_JIRA_TOKEN", "PLAYBOOK_SYNC_STATE_URL")
MAX_VERBOSITY = 3


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the current ``sys.stderr`` (a test runner may swap it between commands)."""

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class _Formatter(redact.RedactingFormatter):
    """Without -v a warning reads like the CLI's own lines: ``warning: ...`` (no logger name)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if self._fmt != "%(message)s" else f"{record.levelname.lower()}: {text}"


_handler: logging.Handler | None = None


def setup_logging(verbosity: int) -> None:
    """Install (or re-install, for a second command in one process) the CLI's log handler."""
    global _handler
    # Secrets given in the environment are masked even before the settings are read.
    redact.register(*(os.environ.get(name) for name in SECRET_VARIABLES))
    redact.install()
    verbosity = max(0, min(verbosity, MAX_VERBOSITY))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    _handler = _StderrHandler()
    _handler.setFormatter(_Formatter("%(levelname)s %(name)s: %(message)s") if verbosity else _Formatter())
    _handler.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO if verbosity else logging.WARNING)
    root.addHandler(_handler)
    root.setLevel(_handler.level)
    chatty_level = logging.DEBUG if verbosity >= MAX_VERBOSITY else max(_handler.level, logging.INFO)
    for name in CHATTY:
        logging.getLogger(name).setLevel(chatty_level)
