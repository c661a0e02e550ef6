# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""How a project's man-day budget and contract amount are split: the connector's rule, in the addon.

The addon cannot import the connector, so the rule lives here too; ``tests/test_addon_planner.py`` loads
this file without Odoo (it imports nothing from Odoo on purpose) and pins it to ``connector.plan.split``.

Man-days split in steps of exactly half a day (a total that is not a multiple of 0.5 is refused), money in
cents; both by largest remainder, ties going to the earlier phase or milestone in playbook order.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MAN_DAY_STEP = Decimal("0.5")
MONEY_STEP = Decimal("0.01")


def to_decimal(value):
    """Decimal of a float/int/str as it is written (0.1 -> Decimal('0.1'), not its binary expansion)."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def is_multiple(total, step):
    return to_decimal(total) % step == 0


def cents(amount):
    """An amount rounded to cents the way money is written (half up)."""
    return to_decimal(amount).quantize(MONEY_STEP, rounding=ROUND_HALF_UP)


def split(total, weights, step):
    """``total`` split by ``weights`` into multiples of ``step`` that add up to ``total`` exactly.

    Every part gets the floor of its exact share; the steps left over go one each to the largest
    fractions, the earlier part first on a tie. Raises ``ValueError`` if ``total`` is not a multiple of
    ``step``. No weight (or only zero weights): every part is zero.
    """
    total, step = to_decimal(total), to_decimal(step)
    if total % step:
        raise ValueError(f"{total} is not a multiple of {step}")
    weights = [Fraction(to_decimal(w)) for w in weights]
    weight_sum = sum(weights, Fraction(0))
    if not weight_sum:
        return [Decimal(0) * step for _w in weights]
    steps = int(total / step)
    exact = [steps * w / weight_sum for w in weights]
    parts = [e.numerator // e.denominator for e in exact]
    leftover = steps - sum(parts)
    by_fraction = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_fraction[:leftover]:
        parts[i] += 1
    return [part * step for part in parts]
