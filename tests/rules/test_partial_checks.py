"""Checks that look like a guard but hold a part of the value only: a containment test
of a path that `..` can still leave (joined, never normalized), an allow-list of a
file's extension rather than its name, a URL's scheme rather than its host, text found
inside a URL, a regular expression anchored at one end, and a helper checking one of
its arguments but not the others. Beside each, the check that holds."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

PATHS = '''\
import os
from pathlib import Path

from flask import Flask, abort, request, send_file

app = Flask(__name__)
ROOT = "/srv/app/files"


def lexical(name):
    path = os.path.join(ROOT, name)
    if not path.startswith(ROOT):
        return None
    return path


def resolved(name):
    path = os.path.realpath(os.path.join(ROOT, name))
    if not path.startswith(ROOT + os.sep):
        return None
    return path


def lexical_pathlib(name):
    path = Path(ROOT) / name
    if not path.is_relative_to(ROOT):
        abort(403)
    return path


def resolved_pathlib(name):
    path = (Path(ROOT) / name).resolve()
    if not path.is_relative_to(ROOT):
        abort(403)
    return path


@app.route("/a")
def a():
    return open(lexical(request.args["n"])).read()


@app.route("/b")
def b():
    return open(resolved(request.args["n"])).read()


@app.route("/c")
def c():
    return send_file(lexical_pathlib(request.args["n"]))


@app.route("/d")
def d():
    return send_file(resolved_pathlib(request.args["n"]))


@app.route("/e")
def e():
    p = os.path.join(ROOT, request.args["n"])
    if not p.startswith(ROOT):
        abort(403)
    return open(p).read()


@app.route("/f")
def f():
    p = os.path.abspath(os.path.join(ROOT, request.args["n"]))
    if not p.startswith(ROOT):
        abort(403)
    return open(p).read()
'''

NAMES = '''\
import os

from flask import Flask, abort, request

app = Flask(__name__)
ROOT = "/srv/app/files"
ALLOWED_EXT = {".png", ".jpg"}
KNOWN = {"a.png", "b.png"}


def extension_ok(filename):
    return os.path.splitext(filename)[1].lower() in ALLOWED_EXT


def known(filename):
    return filename.strip().lower() in KNOWN


@app.route("/upload", methods=["POST"])
def upload():
    image = request.files["image"]
    if not extension_ok(image.filename):
        abort(415)
    image.save(os.path.join(ROOT, image.filename))
    return "ok"


@app.route("/file")
def file():
    name = request.args["n"]
    if not known(name):
        abort(404)
    return open(os.path.join(ROOT, name)).read()
'''


def test_a_containment_check_holds_only_a_normalized_path(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": PATHS})
    # joined and compared as text (a helper: 40, 50; in the view: 63) leaves `..` in;
    # realpath, abspath and resolve() first (45, 55, 71) hold
    assert [line for rule, line in found if rule == "path-traversal"] == [40, 50, 63]


def test_an_allow_list_of_extensions_holds_no_name(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": NAMES})
    # `splitext(name)[1] in ALLOWED_EXT` lets `../../x.png` through (24); the name
    # itself in a list of names (33) holds
    assert [line for rule, line in found if rule == "path-traversal"] == [24]


PARENTS = '''\
from pathlib import Path

from flask import Flask, abort, request

app = Flask(__name__)
ROOT = Path("/srv/app/files")


def read_resolved(name):
    base = ROOT.resolve()
    target = (base / name).resolve()
    if base not in target.parents:
        abort(404)
    return open(target).read()


def read_joined(name):
    target = ROOT / name
    if ROOT not in target.parents:
        abort(404)
    return open(target).read()


@app.route("/resolved")
def resolved():
    return {"text": read_resolved(request.args["n"])}


@app.route("/joined")
def joined():
    return {"text": read_joined(request.args["n"])}
'''


def test_a_helper_checking_the_resolved_paths_parents_holds_it(repo: GitRepo) -> None:
    # `base not in target.parents` of a resolved target in the helper that opens it
    # (26 quiet); of a path only joined, `..` still leaves (31)
    found = _semgrep_found(repo, {"app.py": PARENTS})
    assert found == [("path-traversal", 31)]


COMMON_PATH = '''\
import os

from flask import Flask, request, send_file

app = Flask(__name__)


class InvoiceStore:
    def __init__(self, root):
        self.root = os.path.realpath(root)

    def path_for(self, name):
        candidate = os.path.realpath(os.path.join(self.root, name))
        if os.path.commonpath([self.root, candidate]) != self.root:
            return None
        return candidate

    def joined_path(self, name):
        candidate = os.path.join(self.root, name)
        if os.path.commonpath([self.root, candidate]) != self.root:
            return None
        return candidate


store = InvoiceStore("/srv/invoices")


@app.route("/a")
def a():
    return send_file(store.path_for(request.args["f"]))


@app.route("/b")
def b():
    return send_file(store.joined_path(request.args["f"]))
'''


def test_a_common_path_compared_with_the_root_holds_a_resolved_path(repo: GitRepo) -> None:
    # a store's method checking `commonpath([root, p]) != root` of a realpath: contained
    # (30 quiet); of a path only joined, `..` still leaves (35)
    found = _semgrep_found(repo, {"app.py": COMMON_PATH})
    assert found == [("path-traversal", 35)]


FETCHING = '''\
from urllib.parse import urlparse

ALLOWED_HOSTS = {"images.example.com", "cdn.example.com"}


def is_web_url(url):
    return urlparse(url).scheme in ("http", "https")


def is_listed_url(url):
    parsed = urlparse(url)
    return parsed.scheme == "https" and parsed.hostname in ALLOWED_HOSTS
'''

FETCH_VIEWS = '''\
from urllib.request import urlopen

from flask import Flask, abort, request

from app.fetching import is_listed_url, is_web_url

app = Flask(__name__)


@app.post("/preview")
def preview():
    url = request.form["url"]
    if not is_web_url(url):
        abort(400)
    return {"size": len(urlopen(url, timeout=5).read())}


@app.post("/thumbnail")
def thumbnail():
    url = request.form["url"]
    if not is_listed_url(url):
        abort(400)
    return {"size": len(urlopen(url, timeout=5).read())}
'''


def test_a_check_of_the_scheme_alone_holds_no_host(repo: GitRepo) -> None:
    # http://169.254.169.254/ passes a scheme check (15); a host allow-list holds (23)
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/fetching.py": FETCHING,
                                  "app/views.py": FETCH_VIEWS})
    assert found == [("ssrf", 15)]


WEBHOOKS = '''\
from urllib.parse import urlparse

import requests
from flask import Flask, request

app = Flask(__name__)
TRUSTED_DOMAIN = "hooks.slack.com"
TRUSTED_HOSTS = {"hooks.slack.com"}


def is_trusted_webhook(url):
    return url.startswith("https://") and TRUSTED_DOMAIN in url


def is_trusted_host(url):
    parsed = urlparse(url)
    return parsed.scheme == "https" and parsed.hostname in TRUSTED_HOSTS


@app.post("/webhooks/test")
def test_webhook():
    url = request.form["url"]
    if not is_trusted_webhook(url):
        return {"error": "unsupported"}, 400
    return {"status": requests.post(url, json={}, timeout=5).status_code}


@app.post("/webhooks/send")
def send_webhook():
    url = request.form["url"]
    if not is_trusted_host(url):
        return {"error": "unsupported"}, 400
    return {"status": requests.post(url, json={}, timeout=5).status_code}
'''


def test_a_validator_finding_text_in_a_url_holds_no_host(repo: GitRepo) -> None:
    # `https://evil.example/?hooks.slack.com` passes a prefix and a substring test
    # (25); a parsed host in an allow-list holds (32)
    found = _semgrep_found(repo, {"app.py": WEBHOOKS})
    assert found == [("ssrf", 25)]


LOOKUPS = '''\
import re
import subprocess

from flask import Flask, request

app = Flask(__name__)
DOMAIN_RE = re.compile(r"[a-z0-9][a-z0-9.-]*\\\\.[a-z]{2,}")
FULL_DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*\\\\.[a-z]{2,}$")


def validate_domain(domain):
    return DOMAIN_RE.match(domain) is not None


def validate_full_domain(domain):
    return FULL_DOMAIN_RE.match(domain) is not None


def valid_name(name):
    return re.search(r"^(www|mail)|[a-z]+$", name) is not None


@app.get("/dig")
def dig():
    domain = request.args["domain"]
    if not validate_domain(domain):
        return {"error": "bad domain"}, 400
    return {"out": subprocess.check_output("dig +short %s" % domain, shell=True).decode()}


@app.get("/host")
def host():
    domain = request.args["domain"]
    if not validate_full_domain(domain):
        return {"error": "bad domain"}, 400
    return {"out": subprocess.check_output("host %s" % domain, shell=True).decode()}


@app.get("/whois")
def whois():
    name = request.args["name"]
    if not valid_name(name):
        return {"error": "bad name"}, 400
    return {"out": subprocess.check_output("whois %s" % name, shell=True).decode()}
'''


def test_a_validator_matching_the_start_of_a_value_holds_the_rest_not(repo: GitRepo) -> None:
    # `example.com; reboot` starts with a domain (28), and a branch anchored at one end
    # only passes it too (44); a pattern anchored at both ends holds (36)
    found = _semgrep_found(repo, {"app.py": LOOKUPS})
    assert found == [("command-injection", 28), ("command-injection", 44)]


CONDITIONS = '''\
from flask import Flask, request

app = Flask(__name__)
OPERATORS = (">", "<", "==")
METRICS = ("cpu", "memory")


def build_condition(metric, op, threshold):
    if op not in OPERATORS:
        raise ValueError(op)
    return f"{metric} {op} {threshold}"


def checked_condition(metric, op):
    if op not in OPERATORS or metric not in METRICS:
        raise ValueError(op)
    return f"{metric} {op} 0"


@app.post("/test")
def test_rule():
    condition = build_condition(request.form["metric"], request.form["op"], "1")
    return {"hit": eval(condition, {}, {"cpu": 1})}


@app.post("/check")
def check_rule():
    condition = checked_condition(request.form["metric"], request.form["op"])
    return {"hit": eval(condition, {}, {"cpu": 1})}
'''


def test_a_helper_checking_one_argument_clears_not_the_others(repo: GitRepo) -> None:
    # the operator is checked, the metric not (23); both checked (29)
    found = _semgrep_found(repo, {"app.py": CONDITIONS})
    assert found == [("code-injection", 23)]


BLOCKLISTS = '''\
import re

from flask import Flask, request

app = Flask(__name__)
BANNED = re.compile(r"(import|exec|open|__|lambda)")
ARITHMETIC = re.compile(r"[0-9+*/(). -]+")


def check_expression(expr):
    if BANNED.search(expr):
        raise ValueError("forbidden")
    return expr


def check_arithmetic(expr):
    if not ARITHMETIC.fullmatch(expr):
        raise ValueError("not arithmetic")
    return expr


def evaluate(expr):
    return eval(check_expression(expr), {"__builtins__": {}})


def evaluate_arithmetic(expr):
    return eval(check_arithmetic(expr), {"__builtins__": {}})


@app.post("/calc")
def calc():
    return {"value": evaluate(request.form["expr"])}


@app.post("/sum")
def total():
    return {"value": evaluate_arithmetic(request.form["expr"])}
'''


def test_a_helper_passing_on_what_a_block_list_let_through_is_a_wrapper(
        repo: GitRepo) -> None:
    # a block-list's search passes `().__class__...` variants on (32); a full match of
    # arithmetic holds (37)
    found = _semgrep_found(repo, {"app.py": BLOCKLISTS})
    assert found == [("code-injection", 32)]


SUFFIXES = '''\
from urllib.parse import urlsplit

import requests
from flask import Flask, abort, request

app = Flask(__name__)
TRUSTED = ("gravatar.com", "githubusercontent.com")


def is_trusted(url):
    host = (urlsplit(url).hostname or "").lower()
    return any(host.endswith(domain) for domain in TRUSTED)


def is_trusted_domain(url):
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in TRUSTED)


@app.get("/avatar")
def avatar():
    src = request.args["src"]
    if not is_trusted(src):
        abort(400)
    return requests.get(src, timeout=5).content


@app.get("/badge")
def badge():
    src = request.args["src"]
    if not is_trusted_domain(src):
        abort(400)
    return requests.get(src, timeout=5).content
'''


def test_a_host_suffix_holds_at_a_domains_boundary_only(repo: GitRepo) -> None:
    # `evilgravatar.com` ends with `gravatar.com` (25); a suffix led by a dot holds (32)
    found = _semgrep_found(repo, {"app.py": SUFFIXES})
    assert [f for f in found if f[0] == "ssrf"] == [("ssrf", 25)]
