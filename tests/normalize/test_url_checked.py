"""A URL that can only be a web URL, or one of a constant set of remote hosts, before
`urlopen`: what counts, and the forms that must not (a local host, an `else`, a
reassignment, a project `urlparse`, a scheme that is not a web one)."""

from __future__ import annotations

import pytest

from assay.normalize.url_checked import url_checked

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
    # the scheme held to the web's
    HEAD + CHECKED.replace("urlparse(url).hostname not in HOSTS",
                           "not url.startswith(('http:', 'https:'))"),
    HEAD + CHECKED.replace(".hostname not in HOSTS", ".scheme not in ('http', 'https')"),
    # the URL written with its scheme: a literal, an f-string, a concatenation, a name
    # every assignment of which is one (a module constant too), inside `Request(...)`
    HEAD + "def ping():\n    return urllib.request.urlopen('https://x.example.com/ping')\n",
    HEAD + "def get(q):\n    return urllib.request.urlopen(f'https://api.example.com/?q={q}')\n",
    HEAD + "API = 'https://api.example.com/v1'\n\n\ndef get(q):\n"
           "    return urllib.request.urlopen(API + '?q=' + q)\n",
    HEAD + "def get(path):\n    url = f'http://localhost:8000{path}'\n"
           "    return urllib.request.urlopen(urllib.request.Request(url, headers={}))\n",
    "from urllib.request import urlopen\n\nURL = f'http://localhost:8000/status'\n"
    "with urlopen(URL) as response:\n    print(response.status)\n",
])
def test_a_url_held_to_remote_hosts_first_is_checked(source: str) -> None:
    assert url_checked(source.encode(), _line(source))


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
    # a set that is not constant, the URL assigned again after the check
    HEAD.replace("HOSTS = {", "HOSTS = load() or {") + CHECKED,
    HEAD + CHECKED.replace("    return urllib", "    url = url.strip()\n    return urllib"),
    # a set changed in place where the file runs
    HEAD + "HOSTS.add('localhost')\n\n\n" + CHECKED,
    # a `urlparse` of the project's own, or an alias the check cannot read
    HEAD + "def urlparse(value):\n    return value\n\n\n" + CHECKED,
    HEAD.replace("from urllib.parse import urlparse", "from urllib.parse import urlsplit "
                 "as urlparse") + CHECKED,
    # a scheme that is not a web one, or a URL whose scheme comes from elsewhere
    HEAD + CHECKED.replace("urlparse(url).hostname not in HOSTS",
                           "not url.startswith(('http:', 'file:'))"),
    HEAD + CHECKED.replace(".hostname not in HOSTS", ".scheme not in ('https', 'ftp')"),
    HEAD + "def get(base, q):\n    return urllib.request.urlopen(base + '?q=' + q)\n",
    HEAD + "def get(q):\n    url = 'https://api.example.com/'\n    if q:\n        url = q\n"
           "    return urllib.request.urlopen(url)\n",
    HEAD + "def get(urls):\n    for url in urls:\n        urllib.request.urlopen(url)\n",
    # a second URL opened on the line that nothing holds
    HEAD + CHECKED.replace("def fetch(url):", "def fetch(url, other):").replace(
        "return urllib.request.urlopen(url).read()",
        "return urllib.request.urlopen(url).read() + urllib.request.urlopen(other).read()"),
    # an `else` that goes on
    HEAD + CHECKED.replace("        raise ValueError('not ours')\n",
                           "        raise ValueError('not ours')\n    else:\n        pass\n"),
])
def test_other_forms_are_not(source: str) -> None:
    assert not url_checked(source.encode(), _line(source))


def test_a_file_that_does_not_parse_is_not() -> None:
    assert not url_checked(b"def fetch(url:\n    urlopen(url)\n", 2)
