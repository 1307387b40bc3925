"""Prompt packs: versioned TOML files (`security-review@1.0.0`), hashed as a whole.

A pack names itself (`id`, `version`), says which harness it is for (`harness`, default
`agent`) and holds that harness's texts: for the agent, `system` and the user turns `plan`
(with `{scope}` and `{target}` placeholders), `explore` and `report`; for the single-shot
harness, `system` and `review` (with `{path}`, `{lines}`, `{note}` and `{code}`). The
sha256 of the file's bytes goes into provenance and into the result cache key, so a
changed prompt never reuses results of the old one.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assay.scanners.interface import ScannerError

PACKS_DIR = Path(__file__).resolve().parent / "prompts"
_REF = re.compile(r"^(?P<id>[a-z0-9][a-z0-9._-]*)@(?P<version>\d+\.\d+\.\d+)$")
TEXTS = {"agent": ("system", "plan", "explore", "report"), "single-shot": ("system", "review")}
"""The texts a pack for each harness must have."""


@dataclass(frozen=True)
class PromptPack:
    """One prompt pack."""

    id: str
    version: str
    sha256: str
    system: str
    plan: str = ""
    explore: str = ""
    report: str = ""
    source: str = ""
    text: str = ""
    harness: str = "agent"
    review: str = ""

    @property
    def ref(self) -> str:
        """`id@version`."""
        return f"{self.id}@{self.version}"

    def render_plan(self, scope: str, target: str) -> str:
        """The first user turn, with the scope listing filled in."""
        return self.plan.replace("{target}", target).replace("{scope}", scope)

    def render_review(self, path: str, lines: str, note: str, code: str) -> str:
        """A single-shot request's user turn; the code is filled in last, so nothing in it
        is taken for a placeholder."""
        head, _, tail = self.review.partition("{code}")
        fill = {"{path}": path, "{lines}": lines, "{note}": note}
        for key, value in fill.items():
            head, tail = head.replace(key, value), tail.replace(key, value)
        return head + code + tail


def available() -> list[str]:
    """Refs of the built-in packs."""
    return sorted(p.stem for p in PACKS_DIR.glob("*@*.toml"))


def parse_pack(text: str, source: str = "") -> PromptPack:
    """A pack from its TOML text (ScannerError when it is not one)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScannerError(f"prompt pack {source}: invalid TOML: {exc}") from None
    harness = data.get("harness", "agent")
    if harness not in TEXTS:
        raise ScannerError(f"prompt pack {source}: harness must be one of "
                           f"{', '.join(TEXTS)}, not {str(harness)[:40]!r}")
    missing = [k for k in ("id", "version", *TEXTS[harness])
               if not isinstance(data.get(k), str)]
    if missing:
        raise ScannerError(f"prompt pack {source}: missing {', '.join(missing)}")
    if _REF.match(f"{data['id']}@{data['version']}") is None:
        raise ScannerError(f"prompt pack {source}: id/version must look like name@1.2.3")
    return PromptPack(
        id=data["id"], version=data["version"],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        **{k: data[k].strip() for k in TEXTS[harness]}, source=source, text=text,
        harness=harness)


_DATED = re.compile(r"\d{4}-\d{2}-\d{2}|(?:19|20)\d{6}|-\d{3,4}$|@sha256:[0-9a-f]{12,}")


def floating_alias(model: str) -> bool:
    """True for a model id that names no date, snapshot number or digest (`gpt-4o`,
    `claude-sonnet-4-5`, anything `-latest`): the provider may change what it serves."""
    return "latest" in model.lower() or _DATED.search(model) is None


def load_pack(ref: str) -> PromptPack:
    """A built-in pack by `id@version`, or a pack file by path (`*.toml`)."""
    if ref.endswith(".toml"):
        path = Path(ref)
        try:
            return parse_pack(path.read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise ScannerError(f"cannot read prompt pack {ref}: {exc.strerror}") from None
    if _REF.match(ref) is None:
        raise ScannerError(f"prompt {ref!r} is not a pinned pack reference",
                           f"use id@major.minor.patch; built-in: {', '.join(available())}")
    path = PACKS_DIR / f"{ref}.toml"
    if not path.is_file():
        raise ScannerError(f"unknown prompt pack {ref!r}",
                           f"built-in packs: {', '.join(available())}")
    pack = parse_pack(path.read_text(encoding="utf-8"), ref)
    if pack.ref != ref:
        raise ScannerError(f"prompt pack file {path.name} declares {pack.ref}")
    return pack
