"""The LLM result cache: a complete result, keyed by everything that determines it.

The key covers the scope and the content id of every file the model may read, the prompt
pack hash, provider, endpoint, model, sampling parameters, the tool manifest hash and the
harness version. Only complete results are stored; a hit is served with zero tokens and
counted (`CacheStats.hits`, `saved_tokens`). `--fresh` (and `--no-cache`) bypass it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assay.formats.json import finding_from_dict, finding_to_dict
from assay.model import Finding
from assay.scanners.llm.codec import canonical, sha256_text


def cache_key(parts: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of the key parts."""
    return sha256_text(canonical(dict(parts)))


def encode(findings: Sequence[Finding], analyzed: Sequence[str], models: Sequence[str],
           extra: Mapping[str, str], tokens: int) -> dict[str, Any]:
    """A complete result as stored in the cache."""
    return {"findings": [finding_to_dict(f) for f in findings], "analyzed": sorted(analyzed),
            "models_reported": list(models), "extra": dict(extra), "tokens": tokens}


def decode(doc: Mapping[str, Any]) -> tuple[tuple[Finding, ...], frozenset[str],
                                             tuple[str, ...], dict[str, str], int]:
    """(findings, analyzed, models reported, extra, tokens) of a stored result."""
    return (tuple(finding_from_dict(f) for f in doc.get("findings", ())),
            frozenset(str(p) for p in doc.get("analyzed", ())),
            tuple(str(m) for m in doc.get("models_reported", ())),
            {str(k): str(v) for k, v in doc.get("extra", {}).items()},
            int(doc.get("tokens", 0)))
