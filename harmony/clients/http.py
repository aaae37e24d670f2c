"""The one `requests.Session` factory every client uses.

A session has a base URL, a default timeout, Harmony's User-Agent, retries with backoff for idempotent requests
on connection errors and 502/503/504 (a 503's short `Retry-After` is honoured, capped), and an allow-list of hosts:
a URL taken from a payload cannot make Harmony call anything else. A 429 is never retried here: the client raises
it with its Retry-After and the caller reschedules, so no worker sleeps through a day-long wait.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class ClientError(Exception):
    """Base of every client failure; `service` names the outside service."""

    def __init__(self, service: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.message = message
        self.status = status


class ServiceUnavailable(ClientError):
    """Transient: worth retrying later (network error, timeout, 5xx, 429). `retry_after_s` when the service said."""

    def __init__(
        self, service: str, message: str, *, status: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(service, message, status=status)
        self.retry_after_s = retry_after_s


class ServiceRejected(ClientError):
    """Permanent: the service refused this request; retrying the same request will not help."""


class OutboundBlocked(ServiceRejected):
    """A request to a host outside the session's allow-list."""


class _BoundedRetry(Retry):
    # urllib3 retries any status listed here when it carries Retry-After, sleeping for it first. Only a 503 may be
    # retried that way, and never after more than MAX_INLINE_WAIT_S (a 429's wait is the caller's to schedule).
    RETRY_AFTER_STATUS_CODES = frozenset({503})
    MAX_INLINE_WAIT_S = 5.0

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.MAX_INLINE_WAIT_S)


class ServiceSession(requests.Session):
    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        timeout: float,
        user_agent: str,
        allowed_hosts: Iterable[str] = (),
        retries: int = 2,
    ) -> None:
        super().__init__()
        self.service = service
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        base_host = urlsplit(self.base_url).hostname
        self.allowed_hosts = frozenset(h.lower() for h in (*allowed_hosts, base_host or "") if h)
        self.headers["User-Agent"] = user_agent
        retry = _BoundedRetry(
            total=retries,
            connect=retries,
            read=0,
            status=retries,
            backoff_factor=0.5,
            backoff_jitter=0.25,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        absolute = urljoin(self.base_url, url.decode() if isinstance(url, bytes) else url.lstrip("/"))
        host = (urlsplit(absolute).hostname or "").lower()
        if host not in self.allowed_hosts:
            raise OutboundBlocked(self.service, f"host {host!r} is not an allowed destination")
        kwargs.setdefault("timeout", self.timeout)
        try:
            return super().request(method, absolute, *args, **kwargs)
        except requests.Timeout as exc:
            raise ServiceUnavailable(self.service, f"timed out after {kwargs['timeout']} s") from exc
        except requests.ConnectionError as exc:
            raise ServiceUnavailable(self.service, f"cannot connect to {host} ({_reason(exc)})") from exc


def _reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host", "timed out"):
        if marker in text:
            return marker.lower()
    return exc.__class__.__name__


def retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
