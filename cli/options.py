"""The options and parameter types commands share: one definition each, so `--project`, `--json`, `--lang`,
`--dry-run`, the project-sizing options and the number types read and help the same on every command.

Only connector/ and the small cli helpers are imported here: cli/main.py imports the command modules, and the
command modules import this one, never cli/main.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import click

from connector.errors import ConnectorError
from connector.numbers import HOURS_PER_DAY, MAN_DAYS, MONEY, NumberError, Quantity
from connector.numbers import parse as parse_number
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.playbook.model import SIZES

LANGS = ("en", "zh_TW", "zh_CN")


class LangChoice(click.Choice):  # type: ignore[type-arg]
    """en, zh_TW or zh_CN; also written zh-TW, zh_tw, zh-hant (Traditional) or zh-hans (Simplified)."""

    ALIASES: ClassVar[dict[str, str]] = {"zh_hant": "zh_TW", "zh_hk": "zh_TW", "zh_hans": "zh_CN", "zh_sg": "zh_CN",
                                         "english": "en", "en_us": "en", "en_gb": "en"}

    def __init__(self) -> None:
        super().__init__(LANGS)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        key = str(value).strip().replace("-", "_").lower()
        for lang in LANGS:
            if key == lang.lower():
                return lang
        if key in self.ALIASES:
            return self.ALIASES[key]
        self.fail(f"{value!r} is not a language of the playbook: use en, zh_TW (Traditional Chinese) or "
                  "zh_CN (Simplified Chinese)", param, ctx)


LANG_OPTION = click.option(
    "--lang", type=LangChoice(), default="en", show_default=True,
    help="Language of the output, labels included: en, zh_TW or zh_CN.",
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of tables.")


def dry_run_option(help_text: str) -> Any:
    """``--dry-run``; its help says what the command still does without writing (read the server, or nothing)."""
    return click.option("--dry-run", is_flag=True, help=help_text)


PROJECT_HELP = ("Project code, as in the [[projects]] entry of the config file and recorded by provisioning "
                "(e.g. acme_erp); a configured Jira key or Odoo project name is accepted where it names one project.")


def project_option(*, required: bool, extra: str = "") -> Any:
    """``--project CODE`` (cli/projects.py says how a reference is resolved)."""
    return click.option("--project", "project_ref", required=required, metavar="CODE",
                        help=PROJECT_HELP + (f" {extra}" if extra else ""))


def name_option(func: Any) -> Any:
    return click.option("--name", "project_name", default=None, metavar="NAME",
                        help="Display name of the project (default: the configured odoo_project, else the code).")(
        func)


class NumberType(click.ParamType):
    """A man-day, hour or money option, read by the one rule in connector/numbers.py (docs/numbers.md).

    A refused value is a ConnectorError, so it prints as one line naming the option (no usage block).
    """

    name = "number"

    def __init__(self, quantity: Quantity) -> None:
        self.quantity = quantity

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            return parse_number(self.quantity, value)
        except NumberError as exc:
            option = param.opts[0] if param is not None and param.opts else (param.name if param else "")
            raise NumberError(exc.value, exc.reason, option or "") from None


def playbook_option(func: Any) -> Any:
    return click.option(
        "--playbook", "playbook_ref", default=DEFAULT_PLAYBOOK, show_default=True, metavar="FILE|KEY",
        help="A playbook YAML file, or the key of a built-in one.",
    )(func)


class IndustryOption(click.Option):
    """--industry's help lists the default playbook's industries, read only when help is shown (not on every run)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        try:
            keys = [i.key for i in load_playbook(DEFAULT_PLAYBOOK).industries]
        except ConnectorError:
            return record
        return record[0], f"{record[1]} One of: {', '.join(keys)} (in {DEFAULT_PLAYBOOK}; own playbooks may add more)."


def project_options(func: Any) -> Any:
    """The options that size a project; shared by `plan` and the provisioning commands."""
    options = [
        click.option("--size", type=click.Choice(SIZES), required=True, help="Project size: changes what is required."),
        click.option("--industry", cls=IndustryOption, default=None, metavar="KEY",
                     help="Industry template: adds its checklist items."),
        click.option("--man-days", type=NumberType(MAN_DAYS), required=True,
                     help="Contracted implementation man-days, in half days (e.g. 120 or 120.5)."),
        click.option("--contract-amount", type=NumberType(MONEY), required=True,
                     help="Contract amount, up to 2 decimals, '.' as decimal point (e.g. 1500000 or 1_500_000.50)."),
        click.option("--hours-per-day", type=NumberType(HOURS_PER_DAY), default=None,
                     help="Hours in a man-day, more than 0 and at most 24 (default: the playbook's, 8)."),
        playbook_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func
