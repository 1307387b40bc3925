"""Rule files written for a scan: generated rules kept by content, and rules limited to
the files one Semgrep run is given.

A rule limited to some files carries them as `paths: include` (each path anchored with
`/`, glob characters escaped). Semgrep reads every rule file it is given, and does not
count a file no rule runs on as scanned, so each run gets only the rules that can run on
its files and only the files some of its rules run on.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assay.scanners.semgrep._pack import Rule, RuleFile, Rules


def includes(rule: Rule) -> list[str]:
    """The files a rule is limited to (`paths: include`; none: it runs everywhere)."""
    limits = rule.get("paths")
    include = limits.get("include") if isinstance(limits, dict) else None
    return [str(i) for i in include] if isinstance(include, list) else []


def include_of(path: str) -> str:
    """A repo-relative path as `paths: include` names it."""
    return "/" + re.sub(r"([*?\[\]!\\])", r"\\\1", path)


def _text(rules: Iterable[Rule]) -> str:
    # JSON is YAML, and Semgrep reads it much faster than YAML of the same size
    return json.dumps({"rules": list(rules)}, separators=(",", ":"))


def write_rules(path: Path, rules: Iterable[Rule]) -> Path:
    """`rules` written to the rule file `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_text(rules), encoding="utf-8")
    return path


def write_generated(out_dir: Path, stem: str, rules: tuple[Rule, ...]) -> RuleFile:
    """`rules` as the rule file `<stem>.json` in a directory of `out_dir` named by their
    content: the same pack and summaries reuse the same file."""
    text = _text(rules)
    target = out_dir / hashlib.sha256(text.encode()).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    out = target / f"{stem}.json"
    # an existing file is used only if it is what this scan would write
    if not out.is_file() or out.read_text(encoding="utf-8", errors="replace") != text:
        out.unlink(missing_ok=True)
        out.write_text(text, encoding="utf-8")
    return RuleFile(out, rules)


def limited_to(rules: Rules, paths: Iterable[str], out_dir: Path) -> list[Path]:
    """The rule files for a scan of `paths` alone.

    The copies of a rule the pre-pass wrote for other files cannot match in these: they
    are left out (Semgrep would read them all, ~9 MB on a large project, to scan a few
    files). Changed files are written to `out_dir`; a file left without rules is left
    out (give Semgrep only files some rule runs on: see `limited_targets`).
    """
    wanted = {include_of(p) for p in paths}
    out: list[Path] = []
    for number, found in enumerate(rules.files):
        kept = _limited_rules(found.rules, wanted)
        if kept == list(found.rules):
            out.append(found.path)
        elif kept:
            out.append(write_rules(out_dir / f"{number}-{found.path.stem}.json", kept))
    return out


def split_limited(rules: Rules, out_dir: Path) -> tuple[Rules, Rules]:
    """The rules that run on every file and those limited to some (`paths: include`),
    each with a rule file that holds just them (written to `out_dir` when a file holds
    both kinds)."""
    everywhere: list[RuleFile] = []
    limited: list[RuleFile] = []
    for number, found in enumerate(rules.files):
        free = tuple(r for r in found.rules if not includes(r))
        bound = tuple(r for r in found.rules if includes(r))
        for part, into, tag in ((free, everywhere, "all"), (bound, limited, "some")):
            if part:
                path = found.path if len(part) == len(found.rules) else write_rules(
                    out_dir / f"{number}-{tag}-{found.path.stem}.json", part)
                into.append(RuleFile(path, part))
    return Rules(tuple(everywhere)), Rules(tuple(limited))


def limited_targets(rules: Rules, paths: Iterable[str]) -> list[str]:
    """Those of `paths` some rule of `rules` runs on (all, if a rule has no file limits).

    Semgrep does not count a file no rule runs on as scanned."""
    if any(not includes(r) for r in rules.all()):
        return list(paths)
    named = {i for r in rules.all() for i in includes(r)}
    return [p for p in paths if include_of(p) in named]


def _limited_rules(rules: Iterable[Rule], wanted: set[str]) -> list[Rule]:
    """`rules` limited to the files `wanted` (as `paths: include` names them): a rule
    without file limits as it is, one with limits narrowed to those among `wanted`, or
    left out when none is."""
    out: list[dict[str, Any]] = []
    for rule in rules:
        include = includes(rule)
        mine = sorted(wanted.intersection(include))
        if len(mine) == len(include):  # no limits, or all of them wanted
            out.append(rule)
        elif mine:
            out.append({**rule, "paths": {**rule["paths"], "include": mine}})
    return out
