"""What the sync needs from each system: two small protocols, so tests can hand in fakes.

The real implementations are ``connector.jira.adapter.JiraAdapter`` and ``connector.odoo.client.OdooClient``.
"""

from __future__ import annotations

from typing import Any, Protocol

from connector.jira.search import RequestsJira
from connector.odoo.records import OdooExecutor


class JiraPort(RequestsJira, Protocol):
    """A Jira REST client: retries 429/5xx itself and raises ``ConnectorError`` when it gives up."""

    request_count: int


class OdooPort(OdooExecutor, Protocol):
    """An Odoo RPC client; ``execute`` is ``execute_kw``; errors surface as ``ConnectorError``."""

    rpc_calls: int

    def search_read(self, model: str, domain: list[Any], fields: list[str], **kwargs: Any) -> list[dict[str, Any]]: ...
