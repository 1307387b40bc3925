"""A URL held to a constant set of remote hosts before `urlopen`: what counts, and the
forms that must not (a local host, an `else`, a reassignment, a project `urlparse`)."""

from __future__ import annotations

import pytest

from assay.normalize.host_checked import host_checked

HEAD = ("import urllib.request\nfrom urllib.parse import urlparse\n\n"
        "HOSTS = {\"images.example.com\", \"cdn.example.com\"}\n\n\n")
CHECKED = ("def fetch(url):\n"
           "    if urlparse(url).hostname not in HOSTS:\n"
           "        raise ValueError('not ours')\n"
           "    return urllib.request.urlopen(url).read()\n")


def _line(source: str) -> int:
    return next(n for n, text in enumerate(source.splitlines(), 1) if "urlopen(" in text)


@pytest.mark.parametrize("source", [
    HEAD + CHECKED,
    HEAD.replace("{\"images.example.com\", \"cdn.example.com\"}",
                 "frozenset({\"images.example.com\"})") + CHECKED,
    HEAD + CHECKED.replace("raise ValueError('not ours')", "return None"),
    HEAD + CHECKED.replace(".hostname not in HOSTS", ".hostname != 'images.example.com'"),
    HEAD + CHECKED.replace("return urllib.request.urlopen(url).read()",
                           "with urllib.request.urlopen(url, timeout=5) as r:\n"
                           "        return r.read()"),
    "import urllib.parse\nimport urllib.request\n\nHOSTS = ('a.example.com',)\n\n\n"
    + CHECKED.replace("urlparse(url)", "urllib.parse.urlparse(url)"),
])
def test_a_url_held_to_remote_hosts_first_is_checked(source: str) -> None:
    assert host_checked(source.encode(), _line(source))


@pytest.mark.parametrize("source", [
    # no check, or a check that does not leave, or one after the call
    HEAD + "def fetch(url):\n    return urllib.request.urlopen(url).read()\n",
    HEAD + CHECKED.replace("raise ValueError('not ours')", "print('not ours')"),
    HEAD + "def fetch(url):\n    data = urllib.request.urlopen(url).read()\n"
           "    if urlparse(url).hostname not in HOSTS:\n        raise ValueError()\n"
           "    return data\n",
    # the machine's own host is allowed: a file: URL naming it reads a local file
    HEAD.replace("\"cdn.example.com\"", "\"localhost\"") + CHECKED,
    HEAD + CHECKED.replace(".hostname != 'x'", "").replace(
        ".hostname not in HOSTS", ".hostname != ''"),
    # a set that is not constant, a scheme check, the URL assigned again after the check
    HEAD.replace("HOSTS = {", "HOSTS = load() or {") + CHECKED,
    HEAD + CHECKED.replace(".hostname not in HOSTS", ".scheme not in ('https',)"),
    HEAD + CHECKED.replace("    return urllib", "    url = url.strip()\n    return urllib"),
    # a set changed in place where the file runs
    HEAD + "HOSTS.add('localhost')\n\n\n" + CHECKED,
    # a `urlparse` of the project's own, or an alias the check cannot read
    HEAD + "def urlparse(value):\n    return value\n\n\n" + CHECKED,
    HEAD.replace("from urllib.parse import urlparse", "from urllib.parse import urlsplit "
                 "as urlparse") + CHECKED,
    # an `else` that goes on
    HEAD + CHECKED.replace("        raise ValueError('not ours')\n",
                           "        raise ValueError('not ours')\n    else:\n        pass\n"),
])
def test_other_forms_are_not(source: str) -> None:
    assert not host_checked(source.encode(), _line(source))


def test_a_file_that_does_not_parse_is_not() -> None:
    assert not host_checked(b"def fetch(url:\n    urlopen(url)\n", 2)
