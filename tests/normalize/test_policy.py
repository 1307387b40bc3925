"""The severity policy on plain findings: what it lowers, why it says so, what it keeps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import pytest

from assay.model import Confidence, Finding, FindingKind, Severity, Span
from assay.normalize.policy import OnTestCode, Policy, apply_policy
from assay.normalize.secretvalue import SecretStrength, finding_strength, value_strength
from assay.normalize.testcode import is_test_path
from assay.normalize.testreach import imported_names, imports_by_reading, module_name
from tests.helpers import GitRepo


def _secret(path: str, line: str, value: str, severity: Severity = Severity.HIGH) -> Finding:
    start = line.index(value) + 1
    return Finding(scanner="semgrep", rule_id="assay.python.hardcoded-secret", path=path,
                   span=Span(3, 3, start, start + len(value)), severity=severity,
                   confidence=Confidence.MEDIUM, message="m", cwe=798, snippet=line,
                   sources=("semgrep:assay.python.hardcoded-secret", "bandit:B105"))


class _Tree:
    """Files in memory, as the policy reads a tree."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files = files or {}
        self.reads: list[str] = []

    def paths(self) -> list[str]:
        return sorted(self.files)

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        wanted = list(paths)
        self.reads += wanted
        return {p: self.files.get(p) for p in wanted}

    def import_names(self, paths: Iterable[str]) -> Mapping[str, frozenset[str]]:
        return imports_by_reading(self.read_many)(paths)

    def reach_memo(self) -> None:
        return None

    def file_memo(self, kind: str) -> None:
        return None


_no_files = _Tree()


@pytest.mark.parametrize(("value", "strength"), [
    ("9f2c7e61d4b8a3f0c5e9d2b7a1f4c8e6", SecretStrength.STRONG),
    ("Sh0p-Pr0d-2024!", SecretStrength.STRONG),
    ("django-insecure-7h#k2$w9@qz!x4m&v8p^c1r5t0y3u6i", SecretStrength.STRONG),
    ("postgres://app:s3cret@db/app", SecretStrength.STRONG),
    ("secret key", SecretStrength.WEAK),
    ("reallyhardtoguess", SecretStrength.WEAK),
    ("newpassword", SecretStrength.WEAK),
    ("fred", SecretStrength.WEAK),
    ("username-password", SecretStrength.WEAK),
])
def test_value_strength(value: str, strength: SecretStrength) -> None:
    assert value_strength(value) is strength


def test_a_key_taking_api_makes_any_value_strong() -> None:
    line = 'token = jwt.encode(payload, "mysecret", algorithm="HS256")'
    start = line.index("mysecret") + 1
    assert finding_strength(line, start, start + 8) is SecretStrength.STRONG
    assert finding_strength('PASSWORD = "mysecret"', 13, 21) is SecretStrength.WEAK
    assert finding_strength('PASSWORD = "mysecret"', 13, 99) is SecretStrength.UNKNOWN


@pytest.mark.parametrize("path", [
    "tests/test_views.py", "app/tests/helpers.py", "conftest.py", "pkg/user_test.py",
    "hc/api/tests.py", "tests/fixtures/user.py", "app/factories.py",
    "project/settings/test.py", "project/settings/ci.py"])
def test_test_paths(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize("path", [
    "app/views.py", "app/factory.py", "latest.py", "contest/models.py",
    "project/settings/production.py", "attestation.py"])
def test_production_paths(path: str) -> None:
    assert not is_test_path(path)


@pytest.mark.parametrize(("importer", "source", "names"), [
    ("app/views.py", b"import a.b.c as d, e\n", {"a", "a.b", "a.b.c", "e"}),
    ("app/views.py", b"from .tests import (\n    helpers,\n    other as o)\n",
     {"app", "app.tests", "app.tests.helpers", "app.tests.other"}),
    ("app/sub/views.py", b"from .. import tests\n", {"app", "app.tests"}),
    ("app/__init__.py", b"from .x import y\n", {"app", "app.x", "app.x.y"}),
    ("app/urls.py", b"urls = [include('app.tests.urls')]\n",
     {"app", "app.tests", "app.tests.urls"}),
    ("m.py", b"mod = __import__('helpers')\n", {"helpers"}),
])
def test_imported_names(importer: str, source: bytes, names: set[str]) -> None:
    assert names <= imported_names(importer, source)


def test_module_names() -> None:
    assert module_name("app/tests/__init__.py") == "app.tests"
    assert module_name("src/app/tests/helpers.py") == "src.app.tests.helpers"


def _query(path: str) -> Finding:
    return Finding(scanner="semgrep", rule_id="assay.python.sqli.taint", path=path,
                   span=Span(3, 3), severity=Severity.HIGH, confidence=Confidence.HIGH,
                   message="m", cwe=89, sources=("semgrep:assay.python.sqli.taint",))


def test_test_code_is_reported_low_with_the_reason() -> None:
    finding = _query("tests/test_auth.py")
    outcome = apply_policy([finding], Policy(), _no_files)
    (judged,) = outcome.findings
    assert judged.severity is Severity.LOW
    assert "policy:test-code" in judged.tags and "was:high" in judged.tags
    assert "In test code" in judged.rationale and "not blocking" in judged.rationale
    assert dict(outcome.provenance())["policy.lowered"] == "test-code x1"


def test_test_marks_are_no_evidence() -> None:
    source = b"import pytest\n\n@pytest.fixture\ndef client():\n    pass\n\n\n" \
        b"def test_index(client):\n    pass\n"
    finding = _secret("app/checks.py", '    password="Fr3d-pass!word",', "Fr3d-pass!word")
    (judged,) = apply_policy([finding], Policy(), _Tree({"app/checks.py": source})).findings
    assert judged == finding


SHARED = _query("tests/helpers.py")


@pytest.mark.parametrize("setting", [OnTestCode.REPORT, OnTestCode.SKIP])
def test_a_test_path_production_imports_keeps_its_severity(setting: OnTestCode) -> None:
    tree = _Tree({"tests/helpers.py": b"X = 1\n", "tests/test_a.py": b"import helpers\n",
                  "app/views.py": b"from tests.helpers import X\n"})
    (judged,) = apply_policy([SHARED], Policy(setting), tree).findings
    assert judged.severity is Severity.HIGH and judged.tags == SHARED.tags
    assert "production code reaches it (app/views.py)" in judged.rationale


def test_production_is_read_once_and_only_when_needed() -> None:
    files = {"tests/helpers.py": b"X = 1\n", "app/views.py": b"import os\n",
             "app/models.py": b"import sys\n"}
    tree = _Tree(files)
    low = replace(SHARED, severity=Severity.LOW)
    apply_policy([low], Policy(), tree)
    assert tree.reads == []  # lowering a low finding changes nothing: nothing is read
    outcome = apply_policy([SHARED, replace(SHARED, span=Span(9, 9))], Policy(), tree)
    assert [f.severity for f in outcome.findings] == [Severity.LOW, Severity.LOW]
    assert sorted(tree.reads) == ["app/models.py", "app/views.py"]


def test_a_template_production_names_is_not_test_code() -> None:
    page = replace(SHARED, path="app/tests/templates/page.html")
    named = _Tree({"app/views.py": b"render('page.html')\n"})
    assert apply_policy([page], Policy(), named).findings[0].severity is Severity.HIGH
    unnamed = _Tree({"app/views.py": b"render('index.html')\n"})
    assert apply_policy([page], Policy(), unnamed).findings[0].severity is Severity.LOW


def test_block_keeps_test_code_and_skip_counts_it() -> None:
    finding = _secret("tests/test_auth.py", '    password="Fr3d-pass!word",',
                      "Fr3d-pass!word")
    assert apply_policy([finding], Policy(OnTestCode.BLOCK), _no_files).findings == (finding,)
    skipped = apply_policy([finding], Policy(OnTestCode.SKIP), _no_files)
    assert skipped.findings == ()
    assert dict(skipped.provenance())["policy.test_code_skipped"] == "1"


def _assert(path: str) -> Finding:
    return Finding(scanner="bandit", rule_id="B101", path=path, span=Span(4, 4),
                   severity=Severity.INFO, confidence=Confidence.HIGH,
                   message="Use of assert detected.", cwe=703, sources=("bandit:B101",))


def test_an_assert_in_test_code_is_not_reported_and_counted() -> None:
    tree = _Tree({"tests/test_a.py": b"def test_a():\n    assert 1\n",
                  "tests/helpers.py": b"def check(x):\n    assert x\n",
                  "app/views.py": b"from tests.helpers import check\n"})
    findings = [_assert("tests/test_a.py"), _assert("tests/helpers.py"), _assert("app/views.py")]
    outcome = apply_policy(findings, Policy(), tree)
    # in a test nothing imports: how the test checks; in a test-path file production code
    # imports, and in production code, an assert is what Bandit says (removed under -O)
    assert [f.path for f in outcome.findings] == ["tests/helpers.py", "app/views.py"]
    assert dict(outcome.provenance())["policy.test_asserts"] == "1"
    # an operator who blocks on test code sees them all; skip leaves the test out anyway
    assert apply_policy(findings, Policy(OnTestCode.BLOCK), tree).findings == tuple(findings)
    skipped = apply_policy(findings, Policy(OnTestCode.SKIP), tree)
    assert "policy.test_asserts" not in dict(skipped.provenance())


def test_a_made_up_credential_in_test_code_is_counted_and_a_key_format_stays() -> None:
    tree = _Tree({"tests/test_auth.py": b"", "tests/factories.py": b"",
                  "app/views.py": b"from tests.factories import make_user\n"})
    made_up = _secret("tests/test_auth.py", '    password="Fr3d-pass!word",', "Fr3d-pass!word")
    imported = replace(made_up, path="tests/factories.py")
    provider = replace(made_up, rule_id="assay.python.hardcoded-key-format")
    outcome = apply_policy([made_up, imported, provider], Policy(), tree)
    # a provider's key format is a leak wherever it is; a credential in a test-path file
    # production code imports is production code
    assert [(f.path, f.rule_id) for f in outcome.findings] == [
        ("tests/factories.py", "assay.python.hardcoded-secret"),
        ("tests/test_auth.py", "assay.python.hardcoded-key-format")]
    assert dict(outcome.provenance())["policy.test_credentials"] == "1"
    assert apply_policy([made_up], Policy(OnTestCode.BLOCK), tree).findings == (made_up,)


def test_only_asserts_are_left_out_of_test_code() -> None:
    other = replace(_assert("tests/test_a.py"), rule_id="B311", sources=("bandit:B311",))
    assert apply_policy([other], Policy(), _no_files).findings == (other,)


def test_name_only_secret_is_low_and_a_random_value_stays_high() -> None:
    weak = _secret("app/settings.py", 'SECRET_KEY = "secret key"', "secret key")
    strong = _secret("app/settings.py", 'API_TOKEN = "9f2c7e61d4b8a3f0c5e9d2b7a1f4c8e6"',
                     "9f2c7e61d4b8a3f0c5e9d2b7a1f4c8e6")
    low, high = apply_policy([weak, strong], Policy(), _no_files).findings
    assert low.severity is Severity.LOW and "policy:name-only-secret" in low.tags
    assert high == strong


def test_weak_hash_for_a_cache_key_is_low_and_elsewhere_unchanged() -> None:
    def md5(line: str) -> Finding:
        return Finding(scanner="bandit", rule_id="B324", path="app/util.py",
                       span=Span(2, 2), severity=Severity.HIGH, confidence=Confidence.HIGH,
                       message="md5", cwe=328, snippet=line)

    source = b"def avatar(email):\n    return md5(email).hexdigest()\n"
    cached, other = apply_policy(
        [md5("    return md5(email).hexdigest()"), md5("    return md5(token).hexdigest()")],
        Policy(), _Tree({"app/util.py": source})).findings
    assert cached.severity is Severity.HIGH  # avatar alone names no purpose
    source = b"def gravatar_url(email):\n    return md5(email).hexdigest()\n"
    (judged,) = apply_policy([md5("    return md5(email).hexdigest()")], Policy(),
                             _Tree({"app/util.py": source})).findings
    assert judged.severity is Severity.LOW and "policy:non-security-digest" in judged.tags
    assert other.severity is Severity.HIGH


@pytest.mark.parametrize(("source", "severity"), [
    # what the value is for is named nowhere near it: a shuffle, a delay, sample data
    ("def backoff(attempt):\n    return 2 ** attempt + random.random()\n", Severity.LOW),
    ("def seed_demo(rows):\n    random.shuffle(rows)\n", Severity.LOW),
    ("def pick_colour():\n    return random.choice(COLOURS)\n", Severity.LOW),
    ("def status_for(x):\n    return random.choice(STATUS_CODES)\n", Severity.LOW),
    # a database session is no web session; a cache key is no secret
    ("def seed(db):\n    row.team = random.randint(1, 9)\n    db.session.add(row)\n",
     Severity.LOW),
    ("def make(length=4):\n    key = ''.join(random.choices(CHARS, k=length))\n",
     Severity.MEDIUM),
    ("def make_cache(length=4):\n    key = ''.join(random.choices(CHARS, k=length))\n",
     Severity.LOW),
    # a secret, by its function, its line or a neighbouring line
    ("def new_nonce():\n    return random.getrandbits(128)\n", Severity.MEDIUM),
    ("def issue(user):\n    user.api_token = random.choice(ALPHABET)\n", Severity.MEDIUM),
    ("def forgot(email):\n    code = random.randint(100000, 999999)\n", Severity.MEDIUM),
    ("def remember(resp):\n    value = random.random()\n    resp.set_cookie('r', value)\n",
     Severity.MEDIUM),
    ("def login():\n    session['state'] = random.random()\n", Severity.MEDIUM),
    # what the next function is for says nothing of this one
    ("def order(rows):\n    random.shuffle(rows)\n\n@app.post('/reset')\ndef reset_password():\n",
     Severity.LOW),
    ("def make(n):\n    return random.choice(ALPHABET)\n\nRESET_LINKS = {}\n",
     Severity.MEDIUM),
])
def test_a_predictable_random_value_is_low_unless_it_makes_a_secret(
        source: str, severity: Severity) -> None:
    finding = Finding(scanner="semgrep", rule_id="assay.python.weak-random", path="app/x.py",
                      span=Span(2, 2), severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
                      message="random", cwe=330, snippet=source.splitlines()[1])
    (judged,) = apply_policy([finding], Policy(), _Tree({"app/x.py": source.encode()})).findings
    assert judged.severity is severity
    assert ("policy:non-security-random" in judged.tags) is (severity is Severity.LOW)
    assert judged.rationale.endswith("at low severity.") is (severity is Severity.LOW)


def test_low_confidence_is_at_most_medium_and_llm_findings_pass() -> None:
    shaky = Finding(scanner="bandit", rule_id="B608", path="app/db.py", span=Span(1, 1),
                    severity=Severity.HIGH, confidence=Confidence.LOW, message="sql", cwe=89)
    llm = Finding(scanner="review", rule_id="sqli", path="tests/test_db.py", span=Span(1, 1),
                  severity=Severity.HIGH, confidence=Confidence.LOW, message="sql", cwe=89,
                  kind=FindingKind.LLM)
    judged, passed = apply_policy([shaky, llm], Policy(), _no_files).findings
    assert judged.severity is Severity.MEDIUM and "policy:low-confidence" in judged.tags
    assert passed == llm


def test_a_one_part_import_names_a_top_level_module_only() -> None:
    # `import datetime` is the standard library, not tests/db/datetime/__init__.py
    tree = _Tree({"tests/db/datetime/__init__.py": b"X = 1\n", "helpers.py": b"X = 1\n",
                  "app/views.py": b"import datetime\nimport helpers\n"})
    nested = replace(SHARED, path="tests/db/datetime/__init__.py")
    assert apply_policy([nested], Policy(), tree).findings[0].severity is Severity.LOW


def test_what_each_file_imports_is_kept_for_the_next_scan(repo: GitRepo) -> None:
    from assay.api import scan
    from assay.ledger.result_cache import open_result_cache
    from assay.project import locate_project
    from assay.scanners.runner import imports_kind

    repo.write("app/views.py", "import os\n")
    repo.write("tests/test_run.py", "import subprocess\n\n\ndef test_run(cmd):\n"
                                     "    subprocess.call(cmd, shell=True)\n")
    oid = repo.commit()
    run = scan(repo.path, scanners=["bandit"]).run
    assert any(f.path == "tests/test_run.py" and "policy:test-code" in f.tags
               for f in run.findings)
    blob = repo.git("rev-parse", f"{oid}:app/views.py").strip()
    cache = open_result_cache(locate_project(repo.path).state_dir)
    try:
        kept = cache.get_docs(imports_kind(), [f"{blob}:app/views.py"])
    finally:
        cache.close()
    assert kept == {f"{blob}:app/views.py": '["os"]'}


class _Memo:
    """File documents in memory, by path and content, as the result cache keeps them."""

    def __init__(self, tree: _Tree) -> None:
        self.tree, self.docs = tree, dict[tuple[str, bytes | None], str]()

    def get(self, paths: Iterable[str]) -> dict[str, str]:
        keys = {p: (p, self.tree.files.get(p)) for p in paths}
        return {p: self.docs[k] for p, k in keys.items() if k in self.docs}

    def put(self, docs: Mapping[str, str]) -> None:
        self.docs.update({(p, self.tree.files.get(p)): d for p, d in docs.items()})


class _KeptTree(_Tree):
    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__(files)
        self.memo = _Memo(self)

    def file_memo(self, kind: str) -> _Memo:  # type: ignore[override]
        assert kind.startswith("constant-args/")
        return self.memo


def test_verdicts_on_constant_lines_are_kept_by_content_and_a_rescan_reads_no_file() -> None:
    tree = _KeptTree({"tools.py": b"import subprocess\n\nsubprocess.call('uptime', shell=True)\n"})
    finding = Finding(scanner="bandit", rule_id="B602", path="tools.py", span=Span(3, 3, 1, 38),
                      severity=Severity.LOW, confidence=Confidence.LOW, message="m", cwe=78,
                      tags=("unconfirmed-by-taint",))
    assert apply_policy([finding], Policy(), tree).findings == ()
    tree.reads.clear()
    outcome = apply_policy([finding], Policy(), tree)
    assert (outcome.findings, outcome.constant, tree.reads) == ((), 1, [])
    # the same line with a value from elsewhere: new content, judged again, reported
    tree.files["tools.py"] = b"import subprocess\n\nsubprocess.call(CMD + ' -a', shell=True)\n"
    assert apply_policy([finding], Policy(), tree).findings == (finding,)
    assert tree.reads == ["tools.py"]


SAX = "import xml.sax\n{imports}\n\ndef read(data):\n    parser = xml.sax.make_parser()\n{setup}"


@pytest.mark.parametrize(("imports", "setup", "listed"), [
    # nothing switches external entities on: the parser resolves none (Python >= 3.7.1)
    ("", "    parser.parse(data)\n", False),
    # switched off explicitly, the feature imported by name
    ("from xml.sax.handler import feature_external_ges",
     "    parser.setFeature(feature_external_ges, False)\n", False),
    ("", "    parser.setFeature('http://xml.org/sax/features/external-general-entities', 0)\n",
     False),
    # switched on, by name, by URL, or through a name or value the check cannot read
    ("from xml.sax.handler import feature_external_ges",
     "    parser.setFeature(feature_external_ges, True)\n", True),
    ("", "    parser.setFeature(xml.sax.handler.feature_external_pes, True)\n", True),
    ("", "    parser.setFeature('http://xml.org/sax/features/external-general-entities', on)\n",
     True),
    ("from xml.sax.handler import feature_external_ges as RESOLVE",
     "    parser.setFeature(RESOLVE, 1)\n", True),
    ("from xml.sax.handler import (\n    feature_external_ges,\n)",
     "    parser.setFeature(FEATURES[0], True)\n", True),
    # a feature built at run time may be one; a private switch is one; a harmless one not
    ("import xml.sax.handler as h",
     "    parser.setFeature(getattr(h, 'feature_' + NAME), True)\n", True),
    ("", "    parser._external_ges = 1\n", True),
    ("from xml.sax.handler import feature_namespaces",
     "    parser.setFeature(feature_namespaces, True)\n", False),
])
def test_a_standard_library_xml_parser_left_safe_is_counted_not_listed(
        imports: str, setup: str, listed: bool) -> None:
    source = SAX.format(imports=imports, setup=setup).encode()
    line = source.decode().splitlines().index("    parser = xml.sax.make_parser()") + 1
    unconfirmed = Finding(scanner="bandit", rule_id="B317", path="app/feed.py",
                          span=Span(line, line), severity=Severity.LOW,
                          confidence=Confidence.HIGH, message="sax", cwe=611,
                          tags=("unconfirmed-by-taint",))
    outcome = apply_policy([unconfirmed], Policy(), _Tree({"app/feed.py": source}))
    assert (outcome.findings == (unconfirmed,), outcome.stdlib_xml) == (listed, int(not listed))
    assert (("policy.stdlib_xml", "1") in outcome.provenance()) is not listed
    # a finding the dataflow rules confirmed, and lxml's check, are never dropped so
    confirmed = replace(unconfirmed, tags=())
    lxml = replace(unconfirmed, rule_id="B320")
    assert apply_policy([confirmed, lxml], Policy(),
                        _Tree({"app/feed.py": source})).findings == (confirmed, lxml)


def test_a_random_value_past_the_end_of_its_file_is_judged_without_error() -> None:
    # the file changed since the scan read it: its line is gone, nothing names a secret
    finding = Finding(scanner="bandit", rule_id="B311", path="app/x.py", span=Span(40, 40),
                      severity=Severity.MEDIUM, confidence=Confidence.HIGH, message="random",
                      cwe=330)
    (judged,) = apply_policy([finding], Policy(), _Tree({"app/x.py": b"import random\n"})).findings
    assert judged.severity is Severity.LOW


def test_a_url_that_can_only_be_a_web_url_is_counted_not_listed() -> None:
    source = (b"import urllib.request\nfrom urllib.parse import urlparse\n\n"
              b"HOSTS = {'cdn.example.com'}\n\n\ndef fetch(url):\n"
              b"    if urlparse(url).hostname not in HOSTS:\n        raise ValueError(url)\n"
              b"    return urllib.request.urlopen(url).read()\n")
    unconfirmed = Finding(scanner="bandit", rule_id="B310", path="app/images.py",
                          span=Span(10, 10), severity=Severity.LOW, confidence=Confidence.HIGH,
                          message="urlopen", cwe=918, tags=("unconfirmed-by-taint",))
    outcome = apply_policy([unconfirmed], Policy(), _Tree({"app/images.py": source}))
    assert (outcome.findings, outcome.checked_urls) == ((), 1)
    assert ("policy.checked_urls", "1") in outcome.provenance()
    # confirmed by the dataflow rules, or with no such check: listed
    confirmed = replace(unconfirmed, tags=())
    unchecked = source.replace(b"not in HOSTS", b"is None")
    assert apply_policy([confirmed], Policy(), _Tree({"app/images.py": source})).findings \
        == (confirmed,)
    assert apply_policy([unconfirmed], Policy(),
                        _Tree({"app/images.py": unchecked})).findings == (unconfirmed,)


def test_a_fixed_program_given_a_list_is_counted_not_listed() -> None:
    source = (b"import subprocess\n\n\ndef thumb(src, size):\n"
              b"    subprocess.run(['convert', src, '-resize', size, 'out.png'])\n")
    found = [Finding(scanner="bandit", rule_id=rule, path="app/img.py", span=Span(5, 5),
                     severity=Severity.LOW, confidence=Confidence.LOW, message="subprocess",
                     cwe=78, tags=("unconfirmed-by-taint",)) for rule in ("B603", "B607")]
    outcome = apply_policy(found, Policy(), _Tree({"app/img.py": source}))
    assert (outcome.findings, outcome.fixed_programs) == ((), 2)
    assert ("policy.fixed_programs", "2") in outcome.provenance()
    # confirmed by the dataflow rules, another check, or a shell as the program: listed
    confirmed = replace(found[0], tags=())
    other = replace(found[0], rule_id="B602")
    shell = source.replace(b"['convert', src", b"['sh', '-c', src")
    assert apply_policy([confirmed, other], Policy(),
                        _Tree({"app/img.py": source})).findings == (confirmed, other)
    assert apply_policy(found, Policy(), _Tree({"app/img.py": shell})).findings == tuple(found)


def test_a_shlex_of_the_tree_quotes_nothing_for_the_policy() -> None:
    # attack: the pull request adds its own `shlex.py`; `shlex.quote` there may return
    # its argument, so the quoted command is no longer left out as constant
    source = (b"import os\nimport shlex\n\n\ndef ping(host):\n"
              b"    os.system('ping -c 1 ' + shlex.quote(host))\n")
    finding = Finding(scanner="bandit", rule_id="B605", path="app/net.py", span=Span(6, 6, 5),
                      severity=Severity.LOW, confidence=Confidence.LOW, message="shell",
                      cwe=78, tags=("unconfirmed-by-taint",))
    outcome = apply_policy([finding], Policy(), _Tree({"app/net.py": source}))
    assert (outcome.findings, outcome.constant) == ((), 1)
    shadowed = _Tree({"app/net.py": source, "app/shlex.py": b"def quote(s):\n    return s\n"})
    assert apply_policy([finding], Policy(), shadowed).findings == (finding,)


def test_a_value_a_regular_expression_holds_to_plain_characters_is_counted() -> None:
    source = (b"import re\n\nSLUG = re.compile(r'[a-z0-9-]+')\n\n\ndef page(cursor, slug):\n"
              b"    if not SLUG.fullmatch(slug):\n        raise LookupError(slug)\n"
              b"    cursor.execute(\"SELECT * FROM pages WHERE slug = '%s'\" % slug)\n")
    finding = Finding(scanner="bandit", rule_id="B608", path="app/pages.py", span=Span(9, 9),
                      severity=Severity.LOW, confidence=Confidence.LOW, message="sql",
                      cwe=89, tags=("unconfirmed-by-taint",))
    outcome = apply_policy([finding], Policy(), _Tree({"app/pages.py": source}))
    assert (outcome.findings, outcome.constant) == ((), 1)
    # a pattern that allows a quote, or the tree's own `re` module: listed
    loose = source.replace(b"[a-z0-9-]+", b"[^ ]+")
    assert apply_policy([finding], Policy(), _Tree({"app/pages.py": loose})).findings \
        == (finding,)
    shadowed = _Tree({"app/pages.py": source, "app/re.py": b"def compile(p):\n    ...\n"})
    assert apply_policy([finding], Policy(), shadowed).findings == (finding,)
