"""What a literal held by a credential-named variable looks like: a key or a word.

The secret rules find literals by the name they are assigned to (`password = "..."`) or
by the API they are passed to (`jwt.encode(payload, "...")`). A name alone says little:
`PK_TOKEN = "token"`, `new_password="newpassword"` and `SECRET_KEY = "secret key"` are
names, not keys. A value that is random-looking (several character classes, or long
and varied) is a credential whatever it is called; a plain word is not evidence of one.
Placeholders, paths, URLs without a password and labels are filtered by the rules
themselves (src/assay/rules/secrets.yaml), so they never reach this module.
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter

MIN_STRONG_LENGTH = 8
LONG_VALUE = 16
MIN_LONG_ENTROPY = 3.0  # bits per character; English words of this length score below

_URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
# lower-case words joined by - _ or . ("username-password"): a label, not a key
_WORDS = re.compile(r"^[a-z]+([-_.][a-z]+)*$")
# APIs whose argument is a key whatever its value (the rule's API patterns)
_KEY_APIS = re.compile(r"\b(jwt\.(en|de)code|Fernet|AESGCM|Serializer|Signer|hmac\.new|"
                       r"\.login\(|connect\(|aws_secret_access_key|AES\.new|algorithms\.)")


class SecretStrength(enum.StrEnum):
    """How much a literal looks like a credential."""

    STRONG = "strong"  # random-looking, or passed to an API that takes a key
    WEAK = "weak"  # a word or a short value: only the name says it is a credential
    UNKNOWN = "unknown"  # the value could not be read from the finding


def _classes(value: str) -> int:
    """How many of lower case, upper case, digits and other characters `value` mixes."""
    return sum((any(c.islower() for c in value), any(c.isupper() for c in value),
                any(c.isdigit() for c in value),
                any(not c.isalnum() for c in value)))


def entropy(value: str) -> float:
    """Shannon entropy of `value` in bits per character (0 for the empty string)."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def value_strength(value: str) -> SecretStrength:
    """STRONG for a value that looks generated or chosen as a password (no spaces; three
    character classes, or long with two and varied), or a URL carrying a password; WEAK
    otherwise."""
    if _URL_PASSWORD.match(value):
        return SecretStrength.STRONG
    if any(c.isspace() for c in value) or len(value) < MIN_STRONG_LENGTH \
            or _WORDS.match(value):
        return SecretStrength.WEAK
    classes = _classes(value)
    if classes >= 3:
        return SecretStrength.STRONG
    if classes == 2 and len(value) >= LONG_VALUE and entropy(value) >= MIN_LONG_ENTROPY:
        return SecretStrength.STRONG
    return SecretStrength.WEAK


def literal_at(snippet: str, start_col: int | None, end_col: int | None) -> str | None:
    """The literal a one-line finding points at: columns are 1-based, the end exclusive
    (Semgrep's focus on the string's content). None when the columns do not fit."""
    first = snippet.split("\n", 1)[0]
    if start_col is None or end_col is None or not 1 <= start_col < end_col:
        return None
    if end_col - 1 > len(first):
        return None
    return first[start_col - 1 : end_col - 1]


def finding_strength(snippet: str, start_col: int | None, end_col: int | None,
                     ) -> SecretStrength:
    """The strength of a secret finding: STRONG when the line passes the literal to an
    API that takes a key; else by the value; UNKNOWN when the value cannot be read."""
    if _KEY_APIS.search(snippet):
        return SecretStrength.STRONG
    value = literal_at(snippet, start_col, end_col)
    if value is None:
        return SecretStrength.UNKNOWN
    return value_strength(value)
