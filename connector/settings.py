"""Settings from the environment (``PLAYBOOK_*``) over a TOML file kept outside the repository.

The file defaults to ``$XDG_CONFIG_HOME/erp-playbook/config.toml`` (``~/.config/...``); ``PLAYBOOK_CONFIG``
or ``--config`` point elsewhere. Secrets are ``SecretStr``: they print as ``**********``.

    [odoo]
    url = "https://erp.example.com"   # http(s)://host[:port]
    db = "production"
    user = "consultant@example.com"
    password = "..."                   # or an API key; better: PLAYBOOK_ODOO_PASSWORD

    [jira]
    url = "https://example.atlassian.net"
    user = "consultant@example.com"
    token = "..."                      # API token (Cloud) or personal access token (Data Center)
    deployment = "cloud"               # or "server"

    [sync]
    state = "~/.local/state/erp-playbook/sync.sqlite"

    [[projects]]
    code = "acme_erp"
    odoo_project = "ACME ERP implementation"
    jira_key = "ACME"
"""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from connector.errors import ConfigError
from connector.numbers import HoursPerDay


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "erp-playbook" / "config.toml"


def default_state_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "erp-playbook" / "sync.sqlite"


class OdooSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    db: str | None = None
    user: str | None = None
    password: SecretStr | None = None
    timeout: float = Field(default=120.0, gt=0)
    verify_tls: bool = True


class JiraSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    user: str | None = None
    token: SecretStr | None = None
    deployment: Literal["cloud", "server"] = "cloud"
    timeout: float = Field(default=60.0, gt=0)
    verify_tls: bool = True


class SyncSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Path = Field(default_factory=default_state_path)
    state_url: SecretStr | None = Field(default=None, description="postgresql://... instead of the SQLite file")
    grace_days: int | None = Field(default=None, ge=0, description="overrides the playbook's grace days")
    employees: dict[str, str] = Field(
        default_factory=dict,
        description="Jira account id, Data Center user name or e-mail -> exact Odoo employee name (timesheet author)",
    )


class ProjectLink(BaseModel):
    """One implementation project the nightly sync keeps honest."""

    model_config = ConfigDict(extra="forbid")

    code: str
    odoo_project: str | None = None
    jira_key: str | None = None
    hours_per_day: HoursPerDay | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLAYBOOK_", env_nested_delimiter="_", env_nested_max_split=1, extra="ignore"
    )

    odoo: OdooSettings = Field(default_factory=OdooSettings)
    jira: JiraSettings = Field(default_factory=JiraSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    projects: list[ProjectLink] = Field(default_factory=list)
    hours_per_day: HoursPerDay = Decimal(8)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file (passed as init values, hence listed after env).
        return env_settings, init_settings

    def project(self, code: str) -> ProjectLink:
        for link in self.projects:
            if code in (link.code, link.jira_key, link.odoo_project):
                return link
        known = ", ".join(p.code for p in self.projects) or "none configured"
        raise ConfigError(f"no project {code!r} in the configuration (known: {known})",
                          "add a [[projects]] table with code, odoo_project and/or jira_key to the config file")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", "fix the file's syntax (see the line named)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}",
                          "check the path in PLAYBOOK_CONFIG / --config and its permissions") from None


def load_settings(config: Path | str | None = None) -> Settings:
    """Settings from the config file (if any) with ``PLAYBOOK_*`` environment variables on top."""
    explicit = config or os.environ.get("PLAYBOOK_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_path()
    if explicit and not path.is_file():
        raise ConfigError(f"the configuration file {path} does not exist",
                          "create it (see `playbook --help`) or unset PLAYBOOK_CONFIG / drop --config")
    data = _read_toml(path) if path.is_file() else {}
    try:
        return Settings(**data)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_input=False)
        )
        raise ConfigError(f"{path}: invalid settings: {where}",
                          "correct these keys in the file or the matching PLAYBOOK_* variables") from None


def require(value: object, name: str, env: str) -> None:
    """Fail with a clear message when a needed setting is missing."""
    if value in (None, ""):
        raise ConfigError(f"{name} is not set", f"set {env} or add it to {default_config_path()}")
