"""What ``--project`` means, on every command: the project's code.

The code is the project's identity: the ``code`` of its ``[[projects]]`` entry, the prefix of every record
provisioning creates (Odoo external ids, the Jira entity property). Where a command looks a project up, a
configured Jira key or Odoo project name is accepted too when it names exactly one project. Where a command
creates one, the display name is ``--name`` and the Jira key ``--jira-key``; the forms older versions took
(``--project "ACME ERP"`` as a name, ``jira provision --project ACME`` as a Jira key) still work: the name with a
deprecation warning, the Jira key silently (it cannot be mistaken for a code: codes are lower case).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from connector.errors import ConfigError
from connector.playbook.model import slug
from connector.settings import ProjectLink, Settings

log = logging.getLogger("cli.projects")

CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
JIRA_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,9}$")

@dataclass(frozen=True)
class NewProject:
    code: str | None  # None: build_plan derives it from the playbook's name
    name: str | None
    jira_key: str | None
    link: ProjectLink | None


def new_project(ref: str | None, name: str | None, settings: Settings | None, *, jira_key: str | None = None,
                default_name: str | None = None) -> NewProject:
    """The code, display name and Jira key of a project a command is about to create (or plan)."""
    link = settings.find_project(ref) if settings and ref else None
    if link is not None:
        return NewProject(link.code, name or link.odoo_project or (default_name or link.code),
                          jira_key or link.jira_key, link)
    if ref is None:
        named = name or default_name
        return NewProject(slug(named) if named else None, named, jira_key, None)
    if CODE.match(ref):
        return NewProject(ref, name or default_name or ref, jira_key, None)
    if name is not None:
        raise ConfigError(f"--project {ref!r} is not a project code",
                          f"use lower-case letters, digits and _ (e.g. --project {slug(ref)}); the display name "
                          "goes in --name")
    code = slug(ref)
    log.warning("--project %r is read as the display name (code %r); this form is deprecated: "
                "write --project %s --name %r", ref, code, code, ref)
    return NewProject(code, ref, jira_key, None)
