"""assay: reproducible security review.

Deterministic scanners gate every push; LLM review runs on risky changes and its findings
stay `unverified` until an executable proof demonstrates them; every scanner can be
measured for run drift, precision and recall; every artifact carries its provenance.

The library entry points live in `assay.api`.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
