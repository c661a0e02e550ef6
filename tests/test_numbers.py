"""How numbers are written and split (docs/numbers.md): the parser reads exactly the documented forms, the
split always adds up, and money never passes through a binary float on its way to --json or a server."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cli.output import fmt_num, to_json
from connector.numbers import HOURS_PER_DAY, MAN_DAYS, MONEY, NumberError, exact_float, parse, read_text
from connector.plan import split

DIGITS = "0123456789"


def _documented_form(text: str) -> bool:
    """The rule of docs/numbers.md, written independently of the parser's regular expression."""
    body = text[1:] if text.startswith("-") else text
    parts = body.split(".")
    if len(parts) > 2:
        return False
    for part in parts:
        groups = part.split("_")
        if not all(groups) or not all(c in DIGITS for g in groups for c in g):
            return False
    return True


digit_groups = st.lists(st.text(DIGITS, min_size=1, max_size=4), min_size=1, max_size=5).map("_".join)
well_formed = st.builds(lambda sign, whole, frac: sign + whole + (f".{frac}" if frac else ""),
                        st.sampled_from(["", "-"]), digit_groups, st.none() | digit_groups)
number_like = st.text(alphabet=DIGITS + "._-,+ eE$€nafiNAFI\u00a0٣", max_size=12)


@given(well_formed)
def test_every_documented_form_is_read_as_written(text: str) -> None:
    assert read_text(text) == Decimal(text.replace("_", ""))


@given(st.one_of(number_like, st.text(max_size=12)))
@example("1,500,000.50")
@example("1500000,50")
@example("1e6")
@example("nan")
@example("-inf")
@example(".5")
@example("5.")
@example("1__0")
@example("_1")
@example("+5")
@example(" 5")
def test_the_parser_accepts_exactly_the_documented_forms(text: str) -> None:
    if _documented_form(text):
        assert read_text(text) == Decimal(text.replace("_", ""))
    else:
        with pytest.raises(NumberError) as info:
            read_text(text)
        assert "write numbers with '.' as decimal point and no thousands separators" in info.value.reason


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_text_round_trips(value: Decimal) -> None:
    text = format(value, "f")
    assert read_text(text) == value
    assert format(read_text(text), "f") == text


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2))
def test_every_accepted_amount_keeps_its_digits_in_json_text_and_a_servers_float(value: Decimal) -> None:
    amount = parse(MONEY, format(value, "f"))
    assert amount == value and amount.as_tuple().exponent == -2  # always its cents, never rounded
    assert json.loads(to_json({"amount": amount}), parse_float=Decimal)["amount"] == amount
    assert re.search(r'"amount": (\S+)', to_json({"amount": amount}))[1] == format(amount, "f")  # type: ignore[index]
    assert fmt_num(amount).replace(",", "") == format(amount, "f")
    assert Decimal(repr(exact_float(amount))) == amount  # what Odoo/Jira store prints as what we printed


@given(st.integers(3, 8).flatmap(lambda places: st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10) ** 12,
                                                           places=places)))
def test_sub_cent_money_is_refused_never_rounded(value: Decimal) -> None:
    if value == value.quantize(Decimal("0.01")):
        return
    with pytest.raises(NumberError, match=r"money has 2 decimal places \(cents\); use \S+ or \S+"):
        parse(MONEY, format(value, "f"))


@given(st.decimals(min_value=Decimal("0.1"), max_value=100_000, places=1))
def test_man_days_are_half_days(value: Decimal) -> None:
    if value % Decimal("0.5") == 0:
        assert parse(MAN_DAYS, format(value, "f")) == value
        return
    low = (value * 2).to_integral_value(rounding="ROUND_FLOOR") / 2
    neighbours = [MAN_DAYS.canonical(v) for v in (low, low + Decimal("0.5")) if v > 0]
    with pytest.raises(NumberError) as info:
        parse(MAN_DAYS, format(value, "f"))
    assert info.value.reason == f"man-days are counted in half days; use {' or '.join(map(str, neighbours))}"


def test_the_issue_examples() -> None:
    with pytest.raises(NumberError, match=r"use 100 or 100\.5$"):
        parse(MAN_DAYS, "100.3")
    with pytest.raises(NumberError, match="a comma could be a decimal point or a thousands separator"):
        parse(MONEY, "1500000,50")
    assert parse(MONEY, "1_500_000.5") == Decimal("1500000.50")
    assert str(parse(MONEY, "1500000")) == "1500000.00"
    assert str(parse(MAN_DAYS, "120.50")) == "120.5" and str(parse(MAN_DAYS, "120.0")) == "120"


def test_json_never_passes_money_through_a_float() -> None:
    big = Decimal("12345678901234567.89")
    text = to_json({"amount": big, "nested": [{"x": Decimal("0.10")}], "label": "0.10"})
    assert '"amount": 12345678901234567.89' in text and '"x": 0.10' in text and '"label": "0.10"' in text
    assert json.loads(text, parse_float=Decimal)["amount"] == big


@pytest.mark.parametrize(("quantity", "raw", "reason"), [
    (HOURS_PER_DAY, 0, "must be more than 0"),
    (HOURS_PER_DAY, -1, "must be more than 0"),
    (HOURS_PER_DAY, 25, "a man-day has at most 24 hours"),
    (HOURS_PER_DAY, 24.5, "a man-day has at most 24 hours"),
    (HOURS_PER_DAY, float("nan"), "not a finite number"),
    (HOURS_PER_DAY, True, "not a number"),
    (HOURS_PER_DAY, "7,5", "a comma could be"),
    (MAN_DAYS, 100_000.5, "not a plausible budget"),
    (MONEY, Decimal(10) ** 13, "cannot be kept to the cent"),
])
def test_config_values_follow_the_same_rule(quantity, raw, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NumberError, match=re.escape(reason)):
        parse(quantity, raw)


# --- the split -------------------------------------------------------------------------------------------
weights_strategy = st.lists(st.decimals(min_value=0, max_value=100, places=3), min_size=1, max_size=14)


@given(st.sampled_from([Decimal("0.5"), Decimal("0.01")]), st.integers(0, 10**15), weights_strategy)
@example(Decimal("0.5"), 66, [Decimal(10), Decimal(30), Decimal(60)])
def test_split_adds_up_in_whole_steps_and_treats_equal_shares_alike(unit: Decimal, steps: int,
                                                                    weights: list[Decimal]) -> None:
    total = steps * unit
    parts = split(total, weights, unit)
    assert len(parts) == len(weights)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        assert all(p == 0 for p in parts)
        return
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert part >= 0 and part % unit == 0
        exact = total * weight / weight_sum
        assert abs(part - exact) < unit + Decimal("1e-20")  # largest remainder: within one step of the share
        if weight == 0:
            assert part == 0
    for i in range(len(weights)):
        for j in range(i + 1, len(weights)):
            if weights[i] == weights[j]:
                assert parts[i] - parts[j] in (0, unit)  # ties go to the earlier phase, by one step at most


@given(st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2), weights_strategy)
def test_split_refuses_a_total_that_is_not_whole_steps(total: Decimal, weights: list[Decimal]) -> None:
    if total % Decimal("0.5") == 0:
        return
    with pytest.raises(ValueError, match="not a whole number of"):
        split(total, weights, Decimal("0.5"))
