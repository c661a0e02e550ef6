"""The masking every log line goes through: each spelling of a registered secret, and credential-shaped text."""

from __future__ import annotations

import base64
import json
import logging

import pytest

from connector import redact

SECRET = 'pa\\ss"wörd-42'


@pytest.fixture(autouse=True)
def registered() -> None:
    redact.register(SECRET)
    redact.register_basic_auth("ann@example.com", SECRET)


@pytest.mark.parametrize("line", [
    f"args: ('prod', 2, {SECRET!r}, 'res.users', 'read')",
    f"body: {json.dumps({'params': {'args': ['prod', 2, SECRET]}})}",
    f"body: {json.dumps({'params': {'args': ['prod', 2, SECRET]}}, ensure_ascii=False)}",
    f"GET https://x.test/?token={SECRET}",
    "Authorization: Basic " + base64.b64encode(f"ann@example.com:{SECRET}".encode()).decode(),
])
def test_every_spelling_of_a_registered_secret_is_masked(line: str) -> None:
    masked = redact.redact(line)
    assert "***" in masked
    for form in (SECRET, repr(SECRET)[1:-1], json.dumps(SECRET)[1:-1], "wörd-42", "w\\u00f6rd-42"):
        assert form not in masked


@pytest.mark.parametrize(("line", "kept"), [
    ("{'Authorization': 'Bearer abc.def'}", "{'Authorization': '***'}"),
    ('{"password": "unregistered", "login": "ann"}', '{"password": "***", "login": "ann"}'),
    ("postgresql://sync:hunter22@db.example.com/state", "postgresql://sync:***@db.example.com/state"),
    ("nextPageToken=abc rpc project.task.search_read", "nextPageToken=abc rpc project.task.search_read"),
])
def test_credential_shaped_text_is_masked_and_the_rest_kept(line: str, kept: str) -> None:
    assert redact.redact(line) == kept


def test_any_handler_receives_masked_records(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="tests.some_library"):
        logging.getLogger("tests.some_library").debug("args: %r", ("prod", 2, SECRET))
    assert SECRET not in caplog.text and repr(SECRET)[1:-1] not in caplog.text
    assert "args: ('prod', 2, '***')" in caplog.text
