"""User-facing errors: each says what is wrong and how to fix it; the CLI prints them and exits non-zero."""

from __future__ import annotations


class ConnectorError(Exception):
    """An error a user can act on. ``hint`` says how to fix it."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.hint}" if self.hint else self.message


class ConfigError(ConnectorError):
    """Settings are missing or wrong."""


class Problem:
    """One thing wrong in a playbook file, located as precisely as the file allows."""

    __slots__ = ("file", "line", "message", "path")

    def __init__(self, file: str, line: int | None, path: str, message: str) -> None:
        self.file, self.line, self.path, self.message = file, line, path, message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "path": self.path, "message": self.message}


class PlaybookError(ConnectorError):
    """A playbook that does not load: every problem with its file, line and field path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"the playbook is not valid ({len(problems)} problem{'s' if len(problems) != 1 else ''}):\n{lines}",
            "correct the file at the lines named above, then run `playbook validate FILE`",
        )
