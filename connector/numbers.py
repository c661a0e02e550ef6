"""How man-days, hours and money are written, read and checked: one rule for the CLI, the config and the plan.

A number is plain digits with ``.`` as the decimal point, ``_`` allowed between two digits to group them
(``1_500_000.50``). Nothing else is read: a comma (decimal point or thousands separator?), a currency sign, a
space, an exponent (``1e6``), ``nan`` or ``inf`` is refused with one line that says how to write the number,
never guessed at. Text becomes a ``Decimal`` directly (never a binary float), then the quantity's rules apply:

- man-days: more than 0, at most 100000, counted in half days (``100`` or ``100.5``, not ``100.3``);
- money: 0 or more, below 10^13, at most 2 decimals (cents): sub-cent input is refused, not rounded.
  Below 10^13 an amount has at most 15 significant digits, which a double (Odoo's and Jira's number
  fields) always gives back unchanged;
- hours per man-day: more than 0, at most 24, at most 2 decimals.

Each quantity comes back in one canonical form (money always with its 2 decimals, man-days and hours
without trailing zeros), so the text output, ``--json`` and the values written to Odoo and Jira show
the same digits. See docs/numbers.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from connector.errors import ConnectorError

NUMBER_PATTERN = re.compile(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?")
HOW_TO_WRITE = "write numbers with '.' as decimal point and no thousands separators"
_NOT_FINITE = re.compile(r"[+-]?(nan|snan|inf|infinity)", re.IGNORECASE)
_EXPONENT = re.compile(r"[+-]?[0-9._]*[0-9][eE][+-]?[0-9]+")


class NumberError(ConnectorError):
    """A number refused: ``reason`` says why and how to write it; ``line(label)`` is the one line shown."""

    def __init__(self, value: str, reason: str, label: str = "") -> None:
        self.value = value
        self.reason = reason
        super().__init__(self.line(label))

    def line(self, label: str = "") -> str:
        shown = f"{label} {self.value!r}" if label else repr(self.value)
        return f"{shown}: {self.reason}"


@dataclass(frozen=True)
class Quantity:
    """What one kind of number may be. ``step``: the value must be a whole number of steps."""

    name: str
    examples: str
    positive: bool  # more than 0 (else 0 is allowed); negatives are allowed nowhere
    maximum: Decimal
    maximum_inclusive: bool
    too_large: str
    step: Decimal
    step_rule: str  # what the step means, before "use A or B"
    places: int  # decimals of the canonical form; -1: as few as needed

    def canonical(self, value: Decimal) -> Decimal:
        """The one form this quantity is printed, sent as JSON and written in."""
        if self.places >= 0:
            return value.quantize(Decimal(1).scaleb(-self.places))
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


MAN_DAYS = Quantity(
    name="man-day budget", examples="120 or 120.5", positive=True,
    maximum=Decimal(100_000), maximum_inclusive=True,
    too_large="more than 100000 man-days is not a plausible budget; check the number",
    step=Decimal("0.5"), step_rule="man-days are counted in half days", places=-1,
)
MONEY = Quantity(
    name="amount", examples="1500000.50 or 1_500_000.50", positive=False,
    maximum=Decimal(10) ** 13, maximum_inclusive=False,
    too_large="amounts of 10_000_000_000_000 or more cannot be kept to the cent in Odoo or Jira; check the number",
    step=Decimal("0.01"), step_rule="money has 2 decimal places (cents)", places=2,
)
HOURS_PER_DAY = Quantity(
    name="hours per man-day", examples="8 or 7.5", positive=True,
    maximum=Decimal(24), maximum_inclusive=True,
    too_large="a man-day has at most 24 hours",
    step=Decimal("0.01"), step_rule="hours per man-day have at most 2 decimals", places=-1,
)


def _form_problem(text: str) -> str:
    """Why ``text`` is not a number this tool reads (it did not match NUMBER_PATTERN)."""
    stripped = text.strip()
    if not stripped:
        return "no number given"
    if _NOT_FINITE.fullmatch(stripped):
        return "not a finite number"
    if "," in text:
        return "a comma could be a decimal point or a thousands separator"
    if any(c.isspace() for c in text):
        return "spaces are not allowed"
    if _EXPONENT.fullmatch(stripped):
        return "exponents are not accepted"
    if any(unicodedata.category(c) == "Sc" for c in stripped):
        return "a currency sign is not part of the number"
    if not any(c.isdigit() for c in stripped):
        return "not a number"
    odd = next((c for c in stripped if not (c.isascii() and (c.isdigit() or c in "._-"))), None)
    if odd is not None:
        return f"{odd!r} is not part of a number"
    return "not a plain number"


def read_text(text: str) -> Decimal:
    """``text`` as a Decimal if it has the accepted form, else NumberError. No range checks here."""
    if not NUMBER_PATTERN.fullmatch(text):
        raise NumberError(text, f"{_form_problem(text)}; {HOW_TO_WRITE}")
    return Decimal(text.replace("_", ""))


def check(quantity: Quantity, value: Decimal, shown: str | None = None) -> Decimal:
    """``value`` in its canonical form if ``quantity`` allows it, else NumberError (``shown``: what the user wrote)."""
    shown = shown if shown is not None else (format(value, "f") if isinstance(value, Decimal) else str(value))
    if not value.is_finite():
        raise NumberError(shown, f"not a finite number; {HOW_TO_WRITE}, e.g. {quantity.examples}")
    if value.is_signed() or (quantity.positive and value == 0):
        bound = "more than 0" if quantity.positive else "0 or more"
        raise NumberError(shown, f"the {quantity.name} must be {bound}")
    if value > quantity.maximum or (value == quantity.maximum and not quantity.maximum_inclusive):
        raise NumberError(shown, quantity.too_large)
    steps = value / quantity.step
    if steps != steps.to_integral_value():
        low = steps.to_integral_value(ROUND_FLOOR) * quantity.step
        high = steps.to_integral_value(ROUND_CEILING) * quantity.step
        options = [quantity.canonical(v) for v in (low, high) if v > 0 or not quantity.positive]
        use = " or ".join(format(v, "f") for v in options)
        raise NumberError(shown, f"{quantity.step_rule}; use {use}")
    return quantity.canonical(value)


def parse(quantity: Quantity, raw: Any) -> Decimal:
    """A number typed (text) or read from a config file (int, float or text) as ``quantity``'s canonical Decimal.

    Text must have the accepted form. A TOML/YAML float is taken by its shortest repr (``7.5`` is 7.5),
    which is the number the file shows; booleans are not numbers.
    """
    if isinstance(raw, bool):
        raise NumberError(str(raw).lower(), f"not a number; {HOW_TO_WRITE}, e.g. {quantity.examples}")
    if isinstance(raw, Decimal):
        return check(quantity, raw)
    if isinstance(raw, int):
        return check(quantity, Decimal(raw), str(raw))
    if isinstance(raw, float):  # repr is a Decimal literal, 'nan' and 'inf' included (refused by check)
        return check(quantity, Decimal(repr(raw)), repr(raw))
    if isinstance(raw, str):
        try:
            value = read_text(raw)
        except NumberError as exc:
            raise NumberError(raw, f"{exc.reason}, e.g. {quantity.examples}") from None
        return check(quantity, value, raw)
    raise NumberError(str(raw), f"not a number; {HOW_TO_WRITE}, e.g. {quantity.examples}")


def exact_float(value: Decimal) -> float:
    """``value`` as the float an Odoo/Jira number field holds; refuses a value that float would change.

    Every value MONEY, MAN_DAYS and HOURS_PER_DAY accept has at most 15 significant digits, so its float
    prints back as the same number: what the tool prints is what the server stores.
    """
    result = float(value)
    if Decimal(repr(result)) != value:
        raise ConnectorError(f"{format(value, 'f')} cannot be stored exactly as a number field",
                             "use a value with at most 15 significant digits")
    return result


def _pydantic(quantity: Quantity) -> BeforeValidator:
    def validate(raw: Any) -> Decimal:
        try:
            return parse(quantity, raw)
        except NumberError as exc:
            raise PydanticCustomError("number", exc.line()) from None

    return BeforeValidator(validate)


# Settings and playbook fields: the same rule as the command line's options.
HoursPerDay = Annotated[Decimal, _pydantic(HOURS_PER_DAY)]
ManDays = Annotated[Decimal, _pydantic(MAN_DAYS)]
Money = Annotated[Decimal, _pydantic(MONEY)]
