"""Translation of SDK exceptions into ProviderError, shared by the OpenAI and Anthropic
adapters (both SDKs raise status errors carrying `status_code` and the HTTP response)."""

from __future__ import annotations

from typing import Any

from assay.scanners.llm.interface import ErrorKind, ProviderError


def retry_after(response: Any) -> float | None:
    """Seconds from a `retry-after-ms` or `retry-after` header, if the provider sent one."""
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None


def kind_for_status(status: int) -> ErrorKind:
    """The error kind of an HTTP status."""
    if status in (401, 403):
        return ErrorKind.AUTH
    if status == 429:
        return ErrorKind.RATE_LIMIT
    if status in (408, 409) or status >= 500:
        return ErrorKind.SERVER
    return ErrorKind.BAD_REQUEST


def _body_message(body: object) -> str:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return ""


def translate(exc: Exception, provider: str, key_env: str) -> ProviderError:
    """The ProviderError for an exception an SDK raised."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    if isinstance(status, int):
        kind = kind_for_status(status)
        detail = _body_message(getattr(exc, "body", None)) or str(exc)
        message = f"{provider}: HTTP {status}: {detail}"[:500]
        hint = ""
        if kind is ErrorKind.AUTH:
            message = f"{provider}: authentication failed (HTTP {status}): {detail}"[:500]
            hint = (f"check the API key in ${key_env}" if key_env
                    else "the endpoint wants a key: set api_key_env in the scanner config")
        return ProviderError(kind, message, hint, retry_after(getattr(exc, "response", None)),
                             status)
    if "Timeout" in name:
        return ProviderError(ErrorKind.TIMEOUT, f"{provider}: request timed out")
    if "Connection" in name:
        return ProviderError(ErrorKind.CONNECTION, f"{provider}: connection error: {exc}",
                             "check base_url and that the endpoint is reachable")
    return ProviderError(ErrorKind.BAD_RESPONSE, f"{provider}: {name}: {exc}"[:500])
