# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The adherence rule of a cadence: which periods it has, when each falls due, and whether it was kept.

No Odoo import, so the rule can be read (and tested) on its own. The one rule (docs/odoo.md, "Cadences"):

- A **weekly** cadence has one period per ISO week (Monday to Sunday), due on the week's Friday. A record
  (a meeting held, a report sent) counts for the week its date falls in.
- A **monthly** cadence has one period per calendar month, due on the month's last day.
- A **per-phase** cadence has one period per phase of the project, due on the day the phase is done; a record
  counts for the phase it names.
- A period with a record dated on or before its due date is kept **on time**; one whose first record is dated
  after the due date is kept **late**; one without a record is **missed** once its due date plus the cadence's
  grace days has passed (``today > due + grace``), and **open** until then (or while it has no due date yet).
- Only periods due on or after the cadence's start date count (a cadence started on a Saturday owes nothing
  for that week).
- Adherence = periods kept (on time or late) / periods decided (on time + late + missed), in percent;
  100 while nothing is decided yet.
"""

from datetime import date, timedelta

ON_TIME, LATE, MISSED, OPEN = "on_time", "late", "missed", "open"
STATUSES = (ON_TIME, LATE, MISSED, OPEN)
DECIDED = (ON_TIME, LATE, MISSED)
# Grace days by frequency when the cadence names none.
# Periods missed in all before a cadence whose last period was missed is a high risk, not a medium one (the
# portfolio's risk level; the weekly report ranks it the same, pinned by tests/test_addon_contract.py).
MISSED_HIGH = 2
DEFAULT_GRACE = {"weekly": 2, "monthly": 5, "per_phase": 7, "per_visit": 0}
FRIDAY = 4


def week_key(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day):
    return f"{day.year}-{day.month:02d}"


def period_key(frequency, day):
    """The period a record dated ``day`` counts for (weekly and monthly cadences)."""
    if frequency == "weekly":
        return week_key(day)
    if frequency == "monthly":
        return month_key(day)
    return False


def weekly_periods(start, today):
    """``[(key, due)]`` of the ISO weeks from ``start``'s week to ``today``'s week whose Friday is not before start."""
    monday = start - timedelta(days=start.weekday())
    periods = []
    while monday <= today:
        due = monday + timedelta(days=FRIDAY)
        if due >= start:
            periods.append((week_key(monday), due))
        monday += timedelta(days=7)
    return periods


def monthly_periods(start, today):
    periods = []
    year, month = start.year, start.month
    while (year, month) <= (today.year, today.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        periods.append((f"{year}-{month:02d}", following - timedelta(days=1)))
        year, month = following.year, following.month
    return periods


def status(due, kept, today, grace_days):
    """One period's status: ``kept`` is the date of its first record (or None), ``due`` may be None (not yet due)."""
    if kept:
        return ON_TIME if due is None or kept <= due else LATE
    if due is not None and today > due + timedelta(days=grace_days):
        return MISSED
    return OPEN


def adherence(statuses):
    """``(percent, missed)`` over a list of period statuses (see the module docstring)."""
    kept = sum(1 for s in statuses if s in (ON_TIME, LATE))
    missed = sum(1 for s in statuses if s == MISSED)
    decided = kept + missed
    return (100.0 * kept / decided if decided else 100.0), missed
