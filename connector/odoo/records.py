"""What every reader and writer of Odoo here shares: the RPC call shape, our external ids, many2one values.

External ids of what the connector creates live in their own module, never the addon's (whose upgrade would
delete them): ``erp_playbook_rpc.<project code>__<item key>``, the project itself ``<code>__project``
(docs/architecture.md).
"""

from __future__ import annotations

from typing import Any, Protocol

XMLID_MODULE = "erp_playbook_rpc"


class OdooExecutor(Protocol):
    """``OdooClient.execute`` and the test harness's ``OdooDatabase.execute``: ``execute_kw`` in one call."""

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any: ...


def project_xmlid(code: str) -> str:
    """The external id name (in ``XMLID_MODULE``) of a provisioned project."""
    return f"{code}__project"


def m2o_id(value: Any) -> int | None:
    """A many2one as JSON-RPC returns it (``[id, name]`` or False), or a plain id → id."""
    if isinstance(value, (list, tuple)) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None
