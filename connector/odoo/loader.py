"""Create records and their external ids in one transaction: Odoo's ``load`` (the import API).

``model.load(fields, rows)`` creates every row and its ``ir.model.data`` entry in the same database
transaction, and rolls the whole call back on any error. A provisioning run killed between two calls
therefore never leaves a record without its external id, which is what makes a rerun safe.
Rows are only ever sent for records that do not exist yet: ``load`` on an existing external id would
overwrite what a user edited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connector.odoo.errors import OdooServerError
from connector.odoo.records import XMLID_MODULE, OdooExecutor

DEFAULT_BATCH = 1000


def cell(value: Any) -> str:
    """``load`` takes text, as in a CSV import."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass
class Row:
    """One record to create: its external id (name in ``erp_playbook_rpc``) and field values.

    Relational values are database ids (column ``field/.id``); ``None`` values are left out.
    """

    xmlid: str
    values: dict[str, Any]
    relations: dict[str, int | None] = field(default_factory=dict)

    def columns(self) -> tuple[str, ...]:
        plain = [k for k, v in self.values.items() if v is not None]
        related = [f"{k}/.id" for k, v in self.relations.items() if v]
        return ("id", *sorted(plain), *sorted(related))

    def cells(self, columns: tuple[str, ...]) -> list[str]:
        out = []
        for column in columns:
            if column == "id":
                out.append(f"{XMLID_MODULE}.{self.xmlid}")
            elif column.endswith("/.id"):
                out.append(cell(self.relations[column[:-4]]))
            else:
                out.append(cell(self.values[column]))
        return out


def load_rows(client: OdooExecutor, model: str, rows: list[Row], *, batch_size: int = DEFAULT_BATCH,
              context: dict[str, Any] | None = None, on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
    """Create ``rows`` in as few ``load`` calls as their column sets and ``batch_size`` allow.

    Returns ``{xmlid name: database id}``. Rows with the same columns go in one call (an empty
    relational cell would be read as a lookup, so rows without a relation are sent apart).
    """
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(row.columns(), []).append(row)
    created: dict[str, int] = {}
    for columns, group in groups.items():
        for start in range(0, len(group), batch_size):
            chunk = group[start:start + batch_size]
            result = client.execute(model, "load", list(columns), [r.cells(columns) for r in chunk],
                                    context=dict(context or {}))
            messages = [m for m in result.get("messages") or [] if m.get("type") == "error"]
            ids = result.get("ids")
            if messages or not ids or len(ids) != len(chunk):
                text = "; ".join(str(m.get("message")) for m in messages[:3]) or "no ids returned"
                raise OdooServerError(f"Odoo refused to create {model} records: {text}",
                                      "correct what Odoo names, then rerun: nothing of this batch was written",
                                      "load")
            created.update({r.xmlid: int(i) for r, i in zip(chunk, ids, strict=True)})
            if on_batch:
                on_batch(len(chunk))
    return created


def read_xmlids(client: OdooExecutor, prefix: str) -> dict[str, tuple[str, int]]:
    """Our external ids that start with ``prefix``: ``{name: (model, res_id)}`` in one call."""
    rows = client.execute("ir.model.data", "search_read",
                          [("module", "=", XMLID_MODULE), ("name", "=like", f"{prefix}%")],
                          ["name", "model", "res_id"])
    # ``_`` is a LIKE wildcard: keep exact prefixes only.
    return {r["name"]: (r["model"], int(r["res_id"])) for r in rows or [] if r["name"].startswith(prefix)}
