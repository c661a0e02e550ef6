"""Where the CLI renders the one progress protocol (connector/progress.py): a transient rich progress bar on
stderr, only when stderr is a terminal and the output is for people (never with --json)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cli.output import err_console
from connector.progress import Progress as ProgressCallback
from connector.progress import no_progress


@contextmanager
def progress_bar(*, as_json: bool) -> Iterator[ProgressCallback]:
    """A progress callback for the work done inside the ``with``; the bar is gone when it ends."""
    if as_json or not err_console.is_terminal:
        yield no_progress
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("connecting", total=None)

        def report(what: str, done: int, total: int | None, /) -> None:
            bar.update(task, description=what, completed=done, total=total or None)

        yield report
