"""ISO weeks (``2026-W48``): the weekly report's period."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from connector.errors import ConnectorError

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text.strip())
        if match:
            year, week = int(match[1]), int(match[2])
            try:
                date.fromisocalendar(year, week, 1)
            except ValueError:
                pass
            else:
                return cls(year, week)
        raise ConnectorError(f"{text!r} is not an ISO week", "write the week as YEAR-Wnn, for example 2026-W48")

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    def next(self) -> IsoWeek:
        return IsoWeek.of(self.end + timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def report_date(week: IsoWeek, today: date) -> date:
    """Figures of a past week are as of its Sunday; of the current (or a future) week, as of today."""
    return week.end if week.end < today else today
