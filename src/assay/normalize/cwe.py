"""Per-rule CWE mapping: each engine rule to the precise weakness it detects.

Bandit attaches a CWE to each check, but several are the broader class rather than the
weakness (MD5/SHA1 report CWE-327 "broken crypto algorithm" where the weakness is
CWE-328 "weak hash"; hard-coded passwords report CWE-259 where CWE-798 is the parent
everyone filters on; Jinja2 autoescape off reports CWE-94 where the effect is XSS, 79).
This table is the documented source of truth (docs/cwe-mapping.md is generated from it
and a test keeps the two in step).
"""

from __future__ import annotations

from typing import NamedTuple


class CweEntry(NamedTuple):
    """The CWE assay reports for one engine rule, and why when it differs from the engine."""

    cwe: int | None
    note: str = ""


BANDIT: dict[str, CweEntry] = {
    "B101": CweEntry(703, "assert removed under -O"),
    "B102": CweEntry(94, "exec of a string is code injection"),
    "B103": CweEntry(732),
    "B104": CweEntry(1327, "Bandit says 605; binding to every interface is 1327"),
    "B105": CweEntry(798, "Bandit says 259; 798 is the hard-coded credential class"),
    "B106": CweEntry(798, "Bandit says 259"),
    "B107": CweEntry(798, "Bandit says 259"),
    "B108": CweEntry(377),
    "B110": CweEntry(703),
    "B112": CweEntry(703),
    "B113": CweEntry(400),
    "B201": CweEntry(489, "Bandit says 94; debug mode is active debug code (the Werkzeug "
                          "debugger's console runs code only where the dev server is exposed)"),
    "B202": CweEntry(22),
    "B301": CweEntry(502),
    "B302": CweEntry(502),
    "B303": CweEntry(328, "Bandit says 327; MD5/SHA1 are weak hashes"),
    "B304": CweEntry(327),
    "B305": CweEntry(327),
    "B306": CweEntry(377),
    "B307": CweEntry(94, "Bandit says 78; eval of a string is code injection"),
    "B308": CweEntry(79),
    "B310": CweEntry(918, "Bandit says 22; a caller-chosen URL is request forgery"),
    "B311": CweEntry(330),
    "B312": CweEntry(319),
    "B313": CweEntry(611, "Bandit says 20; the risk is XML external entities"),
    "B314": CweEntry(611, "Bandit says 20"),
    "B315": CweEntry(611, "Bandit says 20"),
    "B316": CweEntry(611, "Bandit says 20"),
    "B317": CweEntry(611, "Bandit says 20"),
    "B318": CweEntry(611, "Bandit says 20"),
    "B319": CweEntry(611, "Bandit says 20"),
    "B321": CweEntry(319),
    "B323": CweEntry(295),
    "B324": CweEntry(328, "Bandit says 327; MD4/MD5/SHA1 are weak hashes"),
    "B401": CweEntry(319),
    "B402": CweEntry(319),
    "B403": CweEntry(502),
    "B404": CweEntry(78),
    "B405": CweEntry(611, "Bandit says 20"),
    "B406": CweEntry(611, "Bandit says 20"),
    "B407": CweEntry(611, "Bandit says 20"),
    "B408": CweEntry(611, "Bandit says 20"),
    "B409": CweEntry(611, "Bandit says 20"),
    "B410": CweEntry(611, "Bandit says 20"),
    "B411": CweEntry(611, "Bandit says 20"),
    "B412": CweEntry(284),
    "B413": CweEntry(1395, "the unmaintained pyCrypto package, not a weak algorithm"),
    "B415": CweEntry(327),
    "B501": CweEntry(295),
    "B502": CweEntry(327),
    "B503": CweEntry(327),
    "B504": CweEntry(327),
    "B505": CweEntry(326),
    "B506": CweEntry(502, "Bandit says 20; yaml.load builds arbitrary objects"),
    "B507": CweEntry(295),
    "B508": CweEntry(319),
    "B509": CweEntry(319),
    "B601": CweEntry(78),
    "B602": CweEntry(78),
    "B603": CweEntry(78),
    "B604": CweEntry(78),
    "B605": CweEntry(78),
    "B606": CweEntry(78),
    "B607": CweEntry(78),
    "B608": CweEntry(89),
    "B609": CweEntry(78),
    "B610": CweEntry(89),
    "B611": CweEntry(89),
    "B612": CweEntry(94),
    "B613": CweEntry(838),
    "B614": CweEntry(502),
    "B615": CweEntry(494),
    "B701": CweEntry(79, "Bandit says 94; autoescape off leads to XSS"),
    "B702": CweEntry(79, "Bandit says 80"),
    "B703": CweEntry(79, "Bandit says 80"),
    "B704": CweEntry(79),
}


def bandit_cwe(test_id: str, reported: int | None) -> int | None:
    """The CWE assay reports for a Bandit check; falls back to Bandit's own when unmapped."""
    entry = BANDIT.get(test_id)
    if entry is not None:
        return entry.cwe
    return reported if reported else None


MAX_CWE = 999_999
"""CWE ids have at most four digits today; anything beyond six is not a CWE."""


def parse_cwe(value: object) -> int | None:
    """A CWE from the forms tools write: 89, '89', 'CWE-89', 'CWE-89: SQL Injection'."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_CWE else None
    if isinstance(value, (list, tuple)):
        for item in value[:100]:
            parsed = parse_cwe(item)
            if parsed is not None:
                return parsed
        return None
    if not isinstance(value, str):
        return None
    text = value.strip().upper().removeprefix("EXTERNAL/CWE/").removeprefix("CWE")
    text = text.lstrip("-: ")
    digits = ""
    for char in text[:8]:
        if not ("0" <= char <= "9"):  # ASCII digits only: int("²") fails
            break
        digits += char
    number = int(digits) if digits else 0
    return number if 0 < number <= MAX_CWE else None


def mapping_markdown() -> str:
    """The Bandit table as Markdown (docs/cwe-mapping.md embeds exactly this)."""
    rows = ["| Bandit check | CWE reported by assay | Note |", "|---|---|---|"]
    for test_id, entry in sorted(BANDIT.items()):
        cwe = f"CWE-{entry.cwe}" if entry.cwe else "none"
        rows.append(f"| {test_id} | {cwe} | {entry.note} |")
    return "\n".join(rows) + "\n"
