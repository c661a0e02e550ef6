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

import logging
import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from connector import redact
from connector.config_file import ConfigSource, unknown_keys, unknown_variables, variable_for
from connector.errors import ConfigError
from connector.numbers import HoursPerDay
from connector.urls import url_problem, warn_if_insecure

log = logging.getLogger(__name__)


def _server_url(value: str) -> str:
    problem = url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# http(s)://host[:port]: anything that cannot be a server is refused when the settings are read.
ServerUrl = Annotated[str, AfterValidator(_server_url)]


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "erp-playbook" / "config.toml"


def default_state_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "erp-playbook" / "sync.sqlite"


class OdooSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: ServerUrl | None = None
    db: str | None = None
    user: str | None = None
    password: SecretStr | None = None
    timeout: float = Field(default=120.0, gt=0)
    verify_tls: bool = True


class JiraSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: ServerUrl | None = None
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

    def project(self, ref: str) -> ProjectLink:
        """The ``[[projects]]`` entry ``ref`` names: its code, else its Jira key or Odoo project name (when only
        one entry has it)."""
        link = self.find_project(ref)
        if link is None:
            known = ", ".join(p.code for p in self.projects) or "none configured"
            raise ConfigError(f"no project {ref!r} in the configuration (known codes: {known})",
                              f"pass a project code, or add a [[projects]] table with code, odoo_project and/or "
                              f"jira_key to {config_in_use().path}")
        return link

    def find_project(self, ref: str | None) -> ProjectLink | None:
        """Like ``project`` but None when nothing matches; ambiguous references are still an error."""
        if not ref:
            return None
        for link in self.projects:
            if link.code == ref:
                return link
        matches = [link for link in self.projects if ref in (link.jira_key, link.odoo_project)]
        if len(matches) > 1:
            codes = ", ".join(link.code for link in matches)
            raise ConfigError(f"{ref!r} names more than one configured project ({codes})",
                              "pass the project's code instead")
        return matches[0] if matches else None


_source: ConfigSource | None = None


def config_in_use() -> ConfigSource:
    """The configuration file the last ``load_settings`` read (or would read), for hints that name it."""
    if _source is not None:
        return _source
    return _resolve(None)


def use_config(config: Path | str | None) -> None:
    """The file this run reads (the CLI calls it with --config), so that every hint names it."""
    global _source
    _source = _resolve(config)


def _resolve(config: Path | str | None, origin: str | None = None) -> ConfigSource:
    if config:
        path = Path(config).expanduser()
        env = os.environ.get("PLAYBOOK_CONFIG")
        origin = origin or ("PLAYBOOK_CONFIG" if env and Path(env).expanduser() == path else "--config")
    elif os.environ.get("PLAYBOOK_CONFIG"):
        path, origin = Path(os.environ["PLAYBOOK_CONFIG"]).expanduser(), "PLAYBOOK_CONFIG"
    else:
        path, origin = default_config_path(), "default"
    return ConfigSource(path, origin, path.is_file())


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", f"fix the syntax of {path} at the line named") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}",
                          "check the path given by PLAYBOOK_CONFIG / --config and the file's permissions") from None


def setting_name(loc: tuple[Any, ...], source: ConfigSource | None = None) -> str:
    """Where the value at ``loc`` comes from: ``PLAYBOOK_ODOO_URL`` when that variable is set, else the file key."""
    variable = variable_for(loc)
    if variable:
        return variable
    parts = [str(p) for p in loc]
    if len(parts) > 2 and parts[0] == "projects":
        where = f"[[projects]] #{int(parts[1]) + 1} {'.'.join(parts[2:])}"
    elif len(parts) > 1 and parts[0] in ("odoo", "jira", "sync"):
        where = f"[{parts[0]}] {'.'.join(parts[1:])}"
    else:
        where = ".".join(parts)
    return f"{(source or config_in_use()).path}: {where}"


def load_settings(config: Path | str | None = None, origin: str | None = None) -> Settings:
    """Settings from the config file (if any) with ``PLAYBOOK_*`` environment variables on top.

    Unknown keys are refused (with the closest valid one); every error names the file or the variable to fix;
    the secrets found are registered for masking in every log line (connector.redact).
    """
    global _source
    source = _source = _resolve(config, origin)
    path = source.path
    if source.origin != "default" and not source.exists:
        undo = "unset PLAYBOOK_CONFIG" if source.origin == "PLAYBOOK_CONFIG" else "drop --config"
        raise ConfigError(f"the configuration file {path} (from {source.origin}) does not exist",
                          f"create it (see `playbook --help`) or {undo}")
    data = _read_toml(path) if source.exists else {}
    unknown = list(unknown_keys(data, Settings))
    if unknown:
        valid = ", ".join(unknown[0].valid)
        raise ConfigError(f"{path}: " + "; ".join(str(u) for u in unknown),
                          f"correct or remove {'this key' if len(unknown) == 1 else 'these keys'} in {path} "
                          f"(valid keys{' in ' + unknown[0].where if unknown[0].where else ''}: {valid})")
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        errors = exc.errors(include_input=False)
        names = [setting_name(tuple(e["loc"]), source) for e in errors]
        variables = sorted({n for n in names if n.startswith("PLAYBOOK_")})
        places = [*variables, str(path)] if len(variables) < len(names) else variables
        raise ConfigError("; ".join(f"{n}: {_explain(e)}" for n, e in zip(names, errors, strict=True)),
                          f"correct the value{'s' if len(names) > 1 else ''} named in {' and '.join(places)}") from None
    _register_secrets(settings)
    for name, close in unknown_variables(Settings):
        log.warning("%s is not a setting erp-playbook knows%s; it is ignored", name,
                    f" (did you mean {close}?)" if close else "")
    return settings


def _explain(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "not a setting erp-playbook knows"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _register_secrets(settings: Settings) -> None:
    odoo_pw = settings.odoo.password.get_secret_value() if settings.odoo.password else None
    token = settings.jira.token.get_secret_value() if settings.jira.token else None
    state_url = settings.sync.state_url.get_secret_value() if settings.sync.state_url else None
    redact.register(odoo_pw, token, state_url)
    redact.register_basic_auth(settings.jira.user, token)
    redact.register_basic_auth(settings.odoo.user, odoo_pw)


def require(value: object, name: str, env: str) -> None:
    """Fail with a clear message when a needed setting is missing (or empty)."""
    if value is None or str(value.get_secret_value() if isinstance(value, SecretStr) else value).strip() == "":
        source = config_in_use()
        section, _, key = env.removeprefix("PLAYBOOK_").lower().partition("_")
        if value is not None and variable_for((section, key)):
            raise ConfigError(f"{variable_for((section, key))}: {name} is empty",
                              f"give it a value, or unset it to use {key} under [{section}] in {source.describe()}")
        state = "is empty" if value is not None else "is not set"
        raise ConfigError(f"{name} {state}",
                          f"set {env}, or {key} under [{section}] in {source.describe()}")


def require_url(value: str | None, name: str, env: str, verify_tls: bool = True) -> str:
    """``require`` for a server URL, with a warning when credentials would cross the network unencrypted."""
    require(value, name, env)
    assert value is not None
    section, _, key = env.removeprefix("PLAYBOOK_").lower().partition("_")
    warn_if_insecure(value, setting_name((section, key)), verify_tls)
    return value
