"""Server URLs: refuse what cannot be a server, warn when credentials would travel in clear text."""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

log = logging.getLogger("connector.security")
_warned: set[str] = set()


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a server's address (None when it can): scheme, host, port, IPv6 brackets."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError as exc:
        why = {"Invalid IPv6 URL": "its IPv6 address is malformed (write it in brackets: http://[::1]:8069)",
               "Port out of range 0-65535": "its port is out of range (1-65535)"}.get(
            str(exc), "its port is not a number")
        return f"{text!r} cannot be a server's address: {why}"
    if not parts.scheme or "://" not in text:
        return f"{text!r} has no scheme: write it as https://host[:port]"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{text!r} is not an http(s) URL (scheme {parts.scheme!r})"
    if not parts.hostname:
        return f"{text!r} names no host: write it as https://host[:port]"
    if port == 0:
        return f"{text!r}: port 0 cannot be a server's port"
    if any(c.isspace() for c in text):
        return f"{text!r} contains a space"
    return None


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warn_if_insecure(url: str, setting: str, verify_tls: bool = True) -> None:
    """One warning per URL and run: plain http to another machine, or TLS verification switched off."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if is_loopback(host) or url in _warned:
        return
    if parts.scheme.lower() == "http":
        _warned.add(url)
        log.warning("%s: %s is plain http:// to another machine: the password or token travels unencrypted; "
                    "use https://", setting, url.strip())
    elif not verify_tls:
        _warned.add(url)
        log.warning("TLS verification is off for %s (%s): anyone on the way can read the credentials; "
                    "remove verify_tls = false once the server's CA is installed", host, setting)
