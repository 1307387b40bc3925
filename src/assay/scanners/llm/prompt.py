"""Prompt packs: versioned TOML files (`security-review@1.0.0`), hashed as a whole.

A pack names itself (`id`, `version`) and holds the harness texts: `system`, and the user
turns `plan` (with `{scope}` and `{target}` placeholders), `explore` and `report`. The
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
_TEXTS = ("system", "plan", "explore", "report")


@dataclass(frozen=True)
class PromptPack:
    """One prompt pack."""

    id: str
    version: str
    sha256: str
    system: str
    plan: str
    explore: str
    report: str
    source: str = ""
    text: str = ""

    @property
    def ref(self) -> str:
        """`id@version`."""
        return f"{self.id}@{self.version}"

    def render_plan(self, scope: str, target: str) -> str:
        """The first user turn, with the scope listing filled in."""
        return self.plan.replace("{target}", target).replace("{scope}", scope)


def available() -> list[str]:
    """Refs of the built-in packs."""
    return sorted(p.stem for p in PACKS_DIR.glob("*@*.toml"))


def parse_pack(text: str, source: str = "") -> PromptPack:
    """A pack from its TOML text (ScannerError when it is not one)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScannerError(f"prompt pack {source}: invalid TOML: {exc}") from None
    missing = [k for k in ("id", "version", *_TEXTS) if not isinstance(data.get(k), str)]
    if missing:
        raise ScannerError(f"prompt pack {source}: missing {', '.join(missing)}")
    if _REF.match(f"{data['id']}@{data['version']}") is None:
        raise ScannerError(f"prompt pack {source}: id/version must look like name@1.2.3")
    return PromptPack(
        id=data["id"], version=data["version"],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        **{k: data[k].strip() for k in _TEXTS}, source=source, text=text)


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
