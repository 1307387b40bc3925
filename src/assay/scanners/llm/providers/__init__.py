"""Model providers: the OpenAI-compatible and Anthropic SDK adapters, and replay."""

from __future__ import annotations

import os

from assay.scanners.llm.interface import ErrorKind, Provider, ProviderError
from assay.scanners.llm.settings import LlmSettings

NO_KEY = "no-key"


def api_key(settings: LlmSettings) -> str:
    """The key from the configured environment variable; auth errors fail fast."""
    env = settings.key_env
    if not env:
        return NO_KEY
    value = os.environ.get(env, "")
    if not value:
        raise ProviderError(ErrorKind.AUTH, f"{settings.provider}: ${env} is not set",
                            f"export {env}=..., or set api_key_env = \"\" for an endpoint "
                            "that needs no key")
    return value


def make_provider(settings: LlmSettings) -> Provider:
    """The SDK adapter for `settings.provider`."""
    key = api_key(settings)
    if settings.provider == "anthropic":
        from assay.scanners.llm.providers.anthropic_provider import AnthropicProvider

        return AnthropicProvider(key, settings.base_url, settings.key_env)
    from assay.scanners.llm.providers.openai_provider import OpenAIProvider

    return OpenAIProvider(key, settings.base_url, settings.key_env, settings.max_tokens_param)


__all__ = ["NO_KEY", "api_key", "make_provider"]
