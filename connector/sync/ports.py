"""What the sync needs from each system: two small protocols, so tests can hand in fakes.

The real implementations are ``connector.jira.adapter.JiraAdapter`` and ``connector.odoo.client.OdooClient``.
"""

from __future__ import annotations

from typing import Any, Protocol


class JiraPort(Protocol):
    """A Jira REST client: retries 429/5xx itself and raises ``ConnectorError`` when it gives up."""

    api_version: str
    request_count: int

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json: Any = None) -> Any: ...


class OdooPort(Protocol):
    """An Odoo RPC client; ``execute`` is ``execute_kw``; errors surface as ``ConnectorError``."""

    rpc_calls: int

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any: ...

    def search_read(self, model: str, domain: list[Any], fields: list[str], **kwargs: Any) -> list[dict[str, Any]]: ...
