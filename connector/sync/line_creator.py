"""New timesheet lines are created on a worker thread while the engine reads the next pages of Jira.

Reading 10,000 worklogs from Jira takes seconds of this process's time, and Odoo's ``create`` of their lines takes
seconds of Odoo's; one after the other they add up, side by side the import costs little more than the create
(docs/benchmarks.md, "Nightly sync"). The worker does nothing but ``create``: the engine's thread alone reads,
decides, touches the sync state and moves cursors, so what a killed run leaves behind is what it was before:

- batches are created one at a time in the order they were handed over (``submit``), and a batch's ``until`` (the
  cursor it covers) is committed by the engine only once that batch and every earlier one are in Odoo
  (``finished``); a batch that failed, or was never started, keeps its worklogs ahead of the cursor;
- the worker has an Odoo connection of its own when the client can open one (``OdooClient.another_connection``),
  so the engine's reads never wait for a create; else the one connection is shared through ``OneAtATime``;
- the engine reads the lines of worklogs still waiting to be created only after they are (``holds``, then
  ``finished(wait=True)``), so a worklog met twice never gets two lines;
- an error in the worker (``ConnectorError``: that project fails; anything else: the run stops with it, raised
  in the engine's thread) and an error or Ctrl-C in the engine's thread (``stop``: nothing more is started, the
  call in flight is waited for) end both threads; no thread outlives the run.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connector.errors import ConnectorError

HAND_OVER = 1000  # new lines handed over once this many wait, even while the creator is busy (else at once)
DEPTH = 2  # batches handed over and not yet created: the reading side runs at most this far ahead


@dataclass
class Batch:
    """New lines per project code (``lines``), the cursor they cover (``until``) and the held worklogs they
    release (``released``, sync/held.py); the worker fills in what became of each project's lines."""

    lines: dict[str, list[dict[str, Any]]]
    until: int | None
    released: dict[str, list[str]] = field(default_factory=dict)
    skip: Callable[[str], bool] = lambda code: False  # a project failed meanwhile: its lines wait for the next run
    created: dict[str, int] = field(default_factory=dict)
    failed: dict[str, ConnectorError] = field(default_factory=dict)
    fatal: BaseException | None = None  # not a ConnectorError: raised in the engine's thread
    worklog_ids: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.worklog_ids = {str(v["erp_jira_worklog_id"]) for lines in self.lines.values() for v in lines}


class LineCreator:
    """Creates the lines of submitted batches on one worker thread (``threaded``), or at once when not."""

    def __init__(self, create: Callable[[list[dict[str, Any]]], Any], *, threaded: bool = True) -> None:
        self.create = create
        self.threaded = threaded
        self._todo: queue.Queue[Batch | None] = queue.Queue(maxsize=DEPTH)
        self._done: queue.Queue[Batch] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._waiting: list[Batch] = []  # handed over, not yet returned by ``finished``
        self._stopping = threading.Event()
        self._failed: set[str] = set()  # project codes whose lines failed to be created (the worker's own)

    # -- the engine's side --------------------------------------------------------------------------
    def submit(self, batch: Batch) -> None:
        """Hand ``batch`` over; blocks while ``DEPTH`` batches are waiting to be created."""
        self._waiting.append(batch)
        if not self.threaded or (not batch.lines and len(self._waiting) == 1):
            self._create(batch)  # nothing to overlap with
            self._done.put(batch)
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="timesheet-creates", daemon=True)
            self._thread.start()
        self._todo.put(batch)

    def finished(self, *, wait: bool = False) -> list[Batch]:
        """The batches created since the last call, oldest first (all of them with ``wait``). A batch whose worker
        met anything but a ConnectorError stops the creator and raises it here."""
        out: list[Batch] = []
        while self._waiting and (wait or not self._done.empty()):
            batch = self._done.get()
            assert batch is self._waiting[0], "batches are created in the order they were submitted"
            self._waiting.pop(0)
            if batch.fatal is not None:
                self.stop()
                raise batch.fatal
            out.append(batch)
        return out

    def holds(self, worklog_ids: set[str]) -> bool:
        """Whether any of these worklogs has a line handed over and not yet known to be created."""
        return any(not b.worklog_ids.isdisjoint(worklog_ids) for b in self._waiting)

    @property
    def busy(self) -> bool:
        return bool(self._waiting)

    def stop(self) -> None:
        """No batch starts any more; the one being created is waited for (its lines may be in Odoo: the cursor has
        not moved past them, so the next run finds them and creates nothing twice)."""
        self._stopping.set()
        self._waiting.clear()
        while True:
            try:
                self._todo.get_nowait()
            except queue.Empty:
                break
        if self._thread is not None:
            self._todo.put(None)
            self._thread.join()
            self._thread = None
        self._stopping.clear()
        self._failed = set()
        self._todo, self._done = queue.Queue(maxsize=DEPTH), queue.Queue()

    # -- the worker's side --------------------------------------------------------------------------
    def _work(self) -> None:
        while (batch := self._todo.get()) is not None:
            if not self._stopping.is_set():
                self._create(batch)
                if batch.fatal is not None:
                    self._stopping.set()  # what follows is not created; the engine raises the fatal error first
            self._done.put(batch)

    def _create(self, batch: Batch) -> None:
        for code, lines in batch.lines.items():
            # A project whose earlier batch failed creates nothing more in this run: its cursor stays before both.
            if batch.skip(code) or code in self._failed or self._stopping.is_set():
                continue
            try:
                self.create(lines)
                batch.created[code] = len(lines)
            except ConnectorError as exc:
                batch.failed[code] = exc
                self._failed.add(code)
            except BaseException as exc:  # handed to the engine's thread, which raises it
                batch.fatal = exc
                return


class OneAtATime:
    """An Odoo port shared by the engine's thread and the creator's: one call at a time."""

    def __init__(self, port: Any) -> None:
        self._port = port
        self._lock = threading.Lock()

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return self._port.execute(model, method, *args, **kwargs)

    def search_read(self, model: str, domain: list[Any], fields: list[str], **kwargs: Any) -> list[dict[str, Any]]:
        with self._lock:
            return self._port.search_read(model, domain, fields, **kwargs)  # type: ignore[no-any-return]

    @property
    def rpc_calls(self) -> int:
        return int(getattr(self._port, "rpc_calls", 0))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)
