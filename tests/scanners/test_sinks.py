"""Sink wrappers: the rule's sinks read as call signatures, matched against project code."""

from __future__ import annotations

import pytest
import yaml

from assay.config import Config
from assay.scanners.interface import ScannerError
from assay.scanners.registry import build_scanner
from assay.scanners.semgrep import RULES_DIR
from assay.scanners.semgrep._rulegen import rule_wrappers
from assay.scanners.semgrep._sinks import (
    SinkSignature,
    find_wrappers,
    signatures,
    trusted_checks,
)
from assay.scanners.semgrep._summaries import summarize

PACK = {r["id"]: r for r in yaml.safe_load((RULES_DIR / "taint.yaml").read_text())["rules"]}
CMDI = "assay.python.command-injection.taint"
LDAP = "assay.python.ldap-injection.taint"

HELPERS = '''\
import subprocess


def run_tool(args):
    return subprocess.check_output("tool " + args, shell=True)


def run_list(args):
    return subprocess.check_output(["tool", args])


def outer(value):
    return run_tool(value.strip())


def quoted(args):
    import shlex
    return subprocess.check_output("tool " + shlex.quote(args), shell=True)


def lookup(db, key):
    return db.delete(key)


def use():
    outer("x"); run_list("y"); quoted("z"); lookup(None, "k")
'''


def test_signatures_are_read_off_the_sink_patterns() -> None:
    sigs = signatures(PACK[CMDI])
    assert SinkSignature(callee=r"os\.system", position=0, trusted=trusted_checks(CMDI)) in sigs
    shell = [s for s in sigs if s.required == ("shell",)]
    assert shell and shell[0].position == 0


def test_wrappers_are_found_to_a_fixpoint_and_need_the_shell() -> None:
    summaries = summarize({"tools.py": HELPERS}, ["tools.py"])
    found = find_wrappers(CMDI, signatures(PACK[CMDI]), summaries.call_index, lambda w: True)
    assert [(w.function, w.param) for w in found] == [("tools.outer", "value"),
                                                      ("tools.run_tool", "args")]


def test_receiver_patterns_are_honored() -> None:
    summaries = summarize({"tools.py": HELPERS}, ["tools.py"])
    found = find_wrappers(LDAP, signatures(PACK[LDAP]), summaries.call_index, lambda w: True)
    assert found == []  # db.delete is not an LDAP connection


PARSERS = """\
import ast
import xml.sax


def formula(text):
    return ast.parse(text, mode="eval")


def document(text):
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    return parser.parse(text)


def use():
    formula("1 + 1"); document("<a/>")
"""


def test_a_sink_method_on_an_object_the_block_makes_is_no_module_function() -> None:
    # the XML sink `$P.parse(...)` needs `$P` made as a parser first: `ast.parse` (a
    # module's function) is no such call, a parser object made in the function is
    rule = "assay.python.xxe.taint"
    summaries = summarize({"parsers.py": PARSERS}, ["parsers.py"])
    found = find_wrappers(rule, signatures(PACK[rule]), summaries.call_index, lambda w: True)
    assert [(w.function, w.param) for w in found] == [("parsers.document", "text")]


def test_unknown_bandit_policy_is_a_configuration_error() -> None:
    config = Config(scanners={"semgrep": {"bandit_findings": "sometimes"}})
    with pytest.raises(ScannerError, match="bandit_findings"):
        build_scanner("semgrep", config)


SSRF = "assay.python.ssrf.taint"
FETCHERS = '''\
import requests

API = "https://api.example.com/v1/items"


def fetch(url):
    return requests.get(url)


def translate(text, source, dest):
    return requests.post(
        "https://translate.example.com"
        "/translate?from={}&to={}".format(source, dest), json=[text])


def search(term):
    return requests.get(f"https://search.example.com/?q={term}")


def item(name):
    url = "https://api.example.com/items/" + name
    return requests.get(url)


def page(host, path):
    return requests.get("https://" + host + "/" + path)


def userinfo(rest):
    return requests.get("https://api.example.com" + rest)


def relay(name):
    return fetch("https://api.example.com/items/%s" % name)


def event(name):
    return requests.get(f"{API}?event={name}")


def setting(name):
    return requests.get("{}/users/{}".format(settings.API_URL, name))


def upper(URL):
    return requests.get(URL)


def use():
    fetch("x"); translate("a", "b", "c"); search("d"); item("e"); page("f", "g")
    userinfo("h"); relay("i"); event("j"); setting("k"); upper("l")
'''


def test_a_fixed_scheme_and_host_are_not_a_server_side_request_forgery() -> None:
    summaries = summarize({"fetchers.py": FETCHERS}, ["fetchers.py"])
    found = find_wrappers(SSRF, signatures(PACK[SSRF]), summaries.call_index, lambda w: True)
    # the host is chosen by the parameter only where no constant scheme and host (with the
    # separator after the host) come first; `page` builds its host from one parameter, and
    # the argument is judged whole, so both of its parameters count
    assert sorted((w.function, w.param) for w in found) == [
        ("fetchers.fetch", "url"), ("fetchers.page", "host"), ("fetchers.page", "path"),
        ("fetchers.upper", "URL"), ("fetchers.userinfo", "rest")]


SQLI = "assay.python.sqli.taint"
DESER = "assay.python.unsafe-deserialization.taint"
METHODS = '''\
class Reports:
    def run(self, cursor, sql):
        cursor.execute(sql)

    def run_report(self, cursor, sql):
        cursor.execute(sql)

    def nightly(self, cursor, day):
        self.run(cursor, "SELECT * FROM r WHERE day = '%s'" % day)


class Jobs:
    def run(self, job):
        return job


def on_any_object(thing, cursor, text):
    thing.run(cursor, text)


def by_unique_name(thing, cursor, text):
    thing.run_report(cursor, text)


def use(reports, cursor):
    reports.nightly(cursor, 1); on_any_object(reports, cursor, "x")
    by_unique_name(reports, cursor, "y")
'''


def test_a_method_is_followed_by_name_only_when_the_name_identifies_it() -> None:
    summaries = summarize({"reports.py": METHODS}, ["reports.py"])
    found = {(w.function, w.param) for w in find_wrappers(
        SQLI, signatures(PACK[SQLI]), summaries.call_index, lambda w: True,
        lambda name: summaries.defined(name) == 1)}
    # `run` is defined by two classes: a call on an unknown object may be either; inside
    # the class, self.run(...) resolves to it
    assert ("reports.on_any_object", "text") not in found
    assert {("reports.Reports.run", "sql"), ("reports.Reports.run_report", "sql"),
            ("reports.Reports.nightly", "day"), ("reports.by_unique_name", "text")} <= found


REPOSITORY = '''\
import sqlalchemy as sa
from sqlalchemy import select, text


class Repo:
    def by_name(self, session, name, active):
        stmt = select(User).filter(User.name == name)
        if active:
            stmt = stmt.filter(User.active)
        return session.execute(stmt)

    def by_route(self, session, route):
        return session.execute(Pages.__table__.select().where(Pages.route == route))

    def raw(self, session, name):
        return session.execute(text(f"SELECT * FROM u WHERE n = '{name}'"))

    def formatted(self, cursor, name):
        query = "SELECT * FROM u WHERE n = '%s'" % name
        return cursor.execute(query)

    def selected(self, session, db, name):
        return session.execute(db.select("SELECT * FROM u WHERE n = '%s'" % name))


    def by_alias(self, session, name):
        return session.execute(sa.select(User).where(User.name == name))

    def by_fields(self, session, query_by):
        fields = self._fields(**query_by)
        return session.execute(self._query(User).filter_by(**fields).limit(10))

    def _fields(self, **given):
        return {k: v for k, v in given.items() if v is not None}


def use(repo, session):
    repo.by_name(session, "a", True); repo.by_route(session, "b"); repo.raw(session, "c")
    repo.formatted(session, "d"); repo.selected(session, None, "e")
    repo.by_alias(session, "f"); repo.by_fields(session, {"g": 1})
'''


def test_a_sqlalchemy_statement_is_not_sql_text() -> None:
    summaries = summarize({"repo.py": REPOSITORY}, ["repo.py"])
    found = find_wrappers(SQLI, signatures(PACK[SQLI]), summaries.call_index, lambda w: True)
    # values in select(...).filter(...) (also `sa.select`) and table.select().where(...)
    # are bound parameters, as are those of a query a project method makes and the ORM's
    # chain refines (`self._query(User).filter_by(**fields)`); text(), a formatted
    # string and another library's select(sql) are SQL text
    expected = [("repo.Repo.formatted", "name"), ("repo.Repo.raw", "name"),
                ("repo.Repo.selected", "db"), ("repo.Repo.selected", "name")]
    assert sorted((w.function, w.param) for w in found) == expected
    assert sorted((w.function, w.param) for w in rule_wrappers(PACK[SQLI], summaries)) \
        == expected


GUARDED = '''\
import ipaddress
import socket
from urllib.parse import urlparse

import requests
from django.conf import settings

HOSTS = {"hooks.example.com"}
BLOCKED = {"metadata.internal"}


def is_public_url(url):
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    infos = socket.getaddrinfo(parts.hostname, 443)
    return all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


def ensure_listed(url):
    if urlparse(url).hostname not in HOSTS:
        raise ValueError(url)


def listed(url):
    if urlparse(url).hostname not in HOSTS:
        raise ValueError(url)
    return requests.get(url)


def public(url):
    if not is_public_url(url):
        raise ValueError(url)
    return requests.get(url)


def ensured(url):
    ensure_listed(url)
    return requests.get(url)


def unchecked_result(url):
    is_public_url(url)
    return requests.get(url)


def checked_after(url):
    response = requests.get(url)
    if urlparse(url).hostname not in HOSTS:
        raise ValueError(url)
    return response


def checked_in_branch(url, strict):
    if strict:
        if urlparse(url).hostname not in HOSTS:
            raise ValueError(url)
    return requests.get(url)


def other_param(url, name):
    if name not in HOSTS:
        raise ValueError(name)
    return requests.get(url)


def scheme_only(url):
    if urlparse(url).scheme not in ("http", "https"):
        raise ValueError(url)
    return requests.get(url)


def host_present(url):
    if not urlparse(url).hostname:
        raise ValueError(url)
    return requests.get(url)


def host_checked_path(name):
    if urlparse(name).hostname not in HOSTS:
        raise ValueError(name)
    return open("/srv/" + name)


def named_host(url):
    host = urlparse(url).hostname
    if host not in HOSTS:
        raise ValueError(url)
    return requests.get(url)


def scheme_or_host(url):
    parts = urlparse(url)
    if parts.scheme != "https" or parts.hostname not in settings.ALLOWED_HOSTS:
        raise ValueError(url)
    return requests.get(url)


def denied(url):
    if urlparse(url).hostname in BLOCKED or urlparse(url).hostname == "localhost":
        raise ValueError(url)
    return requests.get(url)


def use():
    listed("a"); public("b"); ensured("c"); unchecked_result("d"); checked_after("e")
    checked_in_branch("f", True); other_param("g", "h"); host_checked_path("i")
    scheme_only("j"); host_present("k"); named_host("l"); scheme_or_host("m"); denied("n")
'''


def test_a_parameter_checked_before_the_sink_does_not_reach_it() -> None:
    # a check of the parameter that leaves the function when it fails, made by the
    # function's own statements before the call, inline or through a project guard
    summaries = summarize({"hooks.py": GUARDED}, ["hooks.py"])
    found = find_wrappers(SSRF, signatures(PACK[SSRF]), summaries.call_index, lambda w: True)
    # a scheme check, that there is a host, or a list of hosts refused, leaves the host
    # to the caller; a host read into a name first, or checked in an `or` beside the
    # scheme against a list in the settings, is checked
    assert sorted(w.function for w in found) == [
        "hooks.checked_after", "hooks.checked_in_branch", "hooks.denied", "hooks.host_present",
        "hooks.other_param", "hooks.scheme_only", "hooks.unchecked_result"]
    # the rule must trust the kind of check: a host check does not contain a path
    traversal = "assay.python.path-traversal.taint"
    found = find_wrappers(traversal, signatures(PACK[traversal]), summaries.call_index,
                          lambda w: True)
    assert [w.function for w in found] == ["hooks.host_checked_path"]


TABLES = '''\
ORDER = {"title": "title", "created": "created_at DESC"}


class NoteDAO:
    ORDER_COLUMNS = {"title": "title", "created": "created_at DESC"}

    @staticmethod
    def by_class_table(cursor, order):
        column = NoteDAO.ORDER_COLUMNS.get(order, "created_at DESC")
        cursor.execute(f"SELECT * FROM notes ORDER BY {column}")

    def by_self_table(self, cursor, order):
        cursor.execute(f"SELECT * FROM notes ORDER BY {self.ORDER_COLUMNS[order]}")

    @staticmethod
    def by_module_table(cursor, order):
        cursor.execute("SELECT * FROM notes ORDER BY " + ORDER.get(order, "title"))

    @staticmethod
    def with_a_default(cursor, order, fallback):
        cursor.execute("SELECT * FROM notes ORDER BY " + ORDER.get(order, fallback))

    @staticmethod
    def unchecked(cursor, order):
        cursor.execute(f"SELECT * FROM notes ORDER BY {order}")


def use(dao, cursor):
    NoteDAO.by_class_table(cursor, "a"); dao.by_self_table(cursor, "b")
    NoteDAO.by_module_table(cursor, "c"); NoteDAO.with_a_default(cursor, "d", "e")
    NoteDAO.unchecked(cursor, "f")
'''


def test_a_lookup_in_a_constant_table_does_not_pass_its_key_on() -> None:
    # a module constant or a class's constant attribute maps the key to one of its own
    # values (or the default, which still counts)
    summaries = summarize({"dao.py": TABLES}, ["dao.py"])
    found = find_wrappers(SQLI, signatures(PACK[SQLI]), summaries.call_index, lambda w: True)
    assert sorted((w.function, w.param) for w in found) == [
        ("dao.NoteDAO.unchecked", "order"), ("dao.NoteDAO.with_a_default", "fallback")]


FEEDS = '''\
import xml.sax
from html.parser import HTMLParser


def text_of(html):
    parser = HTMLParser()
    parser.feed(html)
    return parser


def entities(document):
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    parser.feed(document)


class Importer:
    def transcript(self, document):
        reader = xml.sax.make_parser()
        reader.setFeature(xml.sax.handler.feature_external_ges, True)
        reader.feed(document)

    def markup(self, html, document):
        parser = HTMLParser()
        other = xml.sax.make_parser()
        other.setFeature(xml.sax.handler.feature_external_ges, True)
        parser.feed(html)
        other.parse(document)


def closed(document):
    reader = xml.sax.make_parser()
    reader.setFeature(xml.sax.handler.feature_external_ges, False)
    reader.setFeature(xml.sax.handler.feature_external_pes, 0)
    reader.parse(document)


def use(importer):
    text_of("<p>"); entities("<a/>")
    Importer().transcript("<b/>"); Importer().markup("<i>", "<c/>")
'''


def test_an_object_sink_needs_the_preparation_its_block_names() -> None:
    # `$P.feed(...)` is an XXE sink after `$P.setFeature(feature_external_ges, True)`:
    # an HTML parser fed a parameter is no wrapper of it, in a function or a method, also
    # where another object of the function was prepared so; nor is a parser whose
    # external entities are switched off (`closed`)
    xxe = "assay.python.xxe.taint"
    summaries = summarize({"feeds.py": FEEDS}, ["feeds.py"])
    found = find_wrappers(xxe, signatures(PACK[xxe]), summaries.call_index, lambda w: True)
    assert sorted((w.function, w.param) for w in found) == [
        ("feeds.Importer.markup", "document"), ("feeds.Importer.transcript", "document"),
        ("feeds.entities", "document")]


LXML = '''\
from lxml import etree

SAFE = etree.XMLParser(resolve_entities=False, no_network=True)
OPEN = etree.XMLParser(resolve_entities=True)


def module_parser(payload):
    return etree.fromstring(payload, parser=SAFE)


def module_resolving(payload):
    return etree.fromstring(payload, OPEN)


def safe_orders(payload):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(payload, parser)


def safe_by_keyword(payload):
    strict = etree.XMLParser(resolve_entities=False)
    return etree.fromstring(payload, parser=strict)


def resolving(payload):
    parser = etree.XMLParser(resolve_entities=True)
    return etree.fromstring(payload, parser)


def default_parser(payload):
    return etree.fromstring(payload)


def use():
    safe_orders("a"); safe_by_keyword("b"); resolving("c"); default_parser("d")
    module_parser("e"); module_resolving("f")
'''


def test_a_parser_made_without_entities_keeps_its_helper_from_being_a_sink() -> None:
    # the rule's `pattern-not-inside: $PARSER = lxml.etree.XMLParser(...,
    # resolve_entities=False, ...)` holds in the pre-pass too: the parser passed is a
    # local name made so, or a module's parser made so once
    xxe = "assay.python.xxe.taint"
    summaries = summarize({"xmlin.py": LXML}, ["xmlin.py"])
    found = find_wrappers(xxe, signatures(PACK[xxe]), summaries.call_index, lambda w: True)
    assert sorted(w.function for w in found) == [
        "xmlin.default_parser", "xmlin.module_resolving", "xmlin.resolving"]


THROUGH = '''\
import base64
import os
import pickle
import shlex
import subprocess


def export(name):
    target = os.path.join("/srv/reports", name + ".csv")
    os.system("render --out %s" % target)


def export_quoted(name):
    os.system("render --out %s" % shlex.quote(os.path.join("/srv", name)))


def export_counted(name):
    os.system("render --pages %d" % len(os.listdir(name)))


def cleaned(term):
    term = term.strip()
    subprocess.call("grep " + term, shell=True)


def load(cookie):
    return pickle.loads(base64.b64decode(cookie))


def use():
    export("a"); export_quoted("b"); export_counted("c"); cleaned("d"); load("e")
'''


def test_a_parameter_passed_through_library_calls_reaches_the_sink() -> None:
    # Semgrep carries taint through a call it has no sanitizer for; so do the wrappers:
    # `os.path.join`, `base64.b64decode` carry the value on, `shlex.quote` (a sanitizer
    # of the command-injection rule) and `len` (a number) do not
    summaries = summarize({"svc.py": THROUGH}, ["svc.py"])
    found = {(w.function, w.param) for rule in (CMDI, DESER)
             for w in rule_wrappers(PACK[rule], summaries)}
    assert found == {("svc.export", "name"), ("svc.cleaned", "term"), ("svc.load", "cookie")}
    # without a rule to say which calls carry a value, none does (as before)
    plain = find_wrappers(CMDI, signatures(PACK[CMDI]), summaries.call_index, lambda w: True)
    assert {(w.function, w.param) for w in plain} == {("svc.cleaned", "term")}


def test_a_method_on_a_calls_result_is_no_signature_of_that_call() -> None:
    # `pathlib.Path($PATH, ...).$METHOD(...)` (the path's method reads or writes) is not
    # "argument 0 of pathlib.Path is a sink": a helper returning `Path(f).suffix` is none
    rule = PACK["assay.python.path-traversal.taint"]
    assert not [s for s in signatures(rule) if "Path" in s.callee]
    summaries = summarize({"names.py": "from pathlib import Path\n\n\ndef extension_of(f):\n"
                                       "    return Path(f).suffix.lower()\n\n\n"
                                       "def use():\n    extension_of('a.txt')\n"},
                          ["names.py"])
    assert rule_wrappers(rule, summaries) == []


NARROWED = '''\
import datetime
import decimal
import os


def show(value):
    if isinstance(value, (int, decimal.Decimal, float)):
        os.system("printf %d " + str(value))
    elif isinstance(value, datetime.date):
        os.system("date -d " + value.isoformat())
    elif isinstance(value, str):
        os.system("echo " + value)


def rebound(value, other):
    if isinstance(value, int):
        value = other
        os.system("echo " + value)


def number(value, when):
    if isinstance(value, (int, decimal.Decimal, float)):
        os.system("printf %d " + str(value))
    elif isinstance(when, (datetime.date, datetime.datetime)):
        os.system("date -d " + str(when))


def use():
    show(1); rebound(1, "x"); number(1, None)
'''


def test_a_value_an_isinstance_test_holds_to_numbers_carries_no_text() -> None:
    # only the `str` branch passes text to the shell; a value bound again inside a
    # number's branch is text again
    summaries = summarize({"fmt.py": NARROWED}, ["fmt.py"])
    found = find_wrappers(CMDI, signatures(PACK[CMDI]), summaries.call_index, lambda w: True)
    assert sorted((w.function, w.param, w.sink_line) for w in found) == [
        ("fmt.rebound", "other", 18), ("fmt.rebound", "value", 18), ("fmt.show", "value", 12)]


FINDS = '''\
import xml.etree.ElementTree as ET


def has_word(text, word):
    return text.find(word) >= 0


def product(sku):
    root = ET.parse("catalog.xml").getroot()
    return root.find(".//product[@sku='%s']" % sku)


def use():
    has_word("a b", "a"); product("x")
'''


def test_an_object_sink_is_a_method_on_an_object_its_block_makes() -> None:
    # ElementTree's `find` on a parsed document is an XPath sink; `str.find` is not
    rule = "assay.python.xpath-injection.taint"
    summaries = summarize({"catalog.py": FINDS}, ["catalog.py"])
    found = find_wrappers(rule, signatures(PACK[rule]), summaries.call_index, lambda w: True)
    assert [(w.function, w.param) for w in found] == [("catalog.product", "sku")]


LOADERS = '''\
import yaml
from yaml import SafeLoader, UnsafeLoader


def safe_keyword(stream):
    return yaml.load(stream, Loader=yaml.SafeLoader)


def safe_imported(stream):
    return yaml.load(stream, Loader=SafeLoader)


def safe_positional(stream):
    return yaml.load(stream, yaml.SafeLoader)


def unsafe_keyword(stream):
    return yaml.load(stream, Loader=yaml.UnsafeLoader)


def unsafe_imported(stream):
    return yaml.load(stream, Loader=UnsafeLoader)


def use():
    safe_keyword("a"); safe_imported("b"); safe_positional("c")
    unsafe_keyword("d"); unsafe_imported("e")
'''

OWN_LOADER = '''\
import yaml


class SafeLoader(yaml.UnsafeLoader):
    pass


def own_safe(stream):
    return yaml.load(stream, Loader=SafeLoader)


def use():
    own_safe("a")
'''


def test_a_call_the_sink_block_excludes_keeps_its_helper_from_being_a_sink() -> None:
    # the rule's `pattern-not: yaml.load($DATA, Loader=yaml.SafeLoader, ...)` holds in
    # the pre-pass too, by what the loader's name resolves to
    rule = "assay.python.unsafe-deserialization.taint"
    summaries = summarize({"loaders.py": LOADERS}, ["loaders.py"])
    found = find_wrappers(rule, signatures(PACK[rule]), summaries.call_index, lambda w: True)
    assert sorted(w.function for w in found) == ["loaders.unsafe_imported",
                                                 "loaders.unsafe_keyword"]


def test_a_loader_of_the_trees_own_named_like_a_safe_one_excludes_nothing() -> None:
    # attack: a class of the scanned tree named SafeLoader is no yaml.SafeLoader
    rule = "assay.python.unsafe-deserialization.taint"
    summaries = summarize({"own.py": OWN_LOADER}, ["own.py"])
    found = find_wrappers(rule, signatures(PACK[rule]), summaries.call_index, lambda w: True)
    assert [w.function for w in found] == ["own.own_safe"]


SESSIONS = '''\
import httpx
import requests


class PartnerClient:
    session = requests.Session()

    @classmethod
    def fetch(cls, url):
        return cls.session.get(url, timeout=5)


class Mirror:
    def __init__(self):
        self.client = httpx.Client()

    def pull(self, url):
        return self.client.post(url)


def with_session(url):
    with requests.Session() as session:
        return session.get(url, timeout=5).text


def with_file(url):
    with open("log.txt") as fh:
        return fh.get(url)


def use():
    PartnerClient.fetch("a"); Mirror().pull("b"); with_session("c"); with_file("d")
'''


def test_a_client_the_class_or_a_with_statement_makes_is_a_session() -> None:
    # `$S.$METHOD($URL, ...)` with `^(get|post|...)$` is read once per name, on a session
    # made in the class's body, in a method (`self.client = ...`), or by `with`
    rule = "assay.python.ssrf.taint"
    summaries = summarize({"clients.py": SESSIONS}, ["clients.py"])
    found = find_wrappers(rule, signatures(PACK[rule]), summaries.call_index, lambda w: True)
    assert sorted(w.function for w in found) == [
        "clients.Mirror.pull", "clients.PartnerClient.fetch", "clients.with_session"]


def test_the_receiver_sinks_the_pre_pass_records_are_the_path_rules() -> None:
    # the pre-pass records which parameters reach the receiver of these methods only
    # (facts are read once per file, before any rule): every method whose receiver a
    # taint rule's sink focuses must be among them
    from assay.scanners.semgrep._pysource import RECEIVER_SINKS
    rules = yaml.safe_load((RULES_DIR / "taint.yaml").read_text())["rules"]
    focused: set[str] = set()
    for rule in rules:
        for block in rule.get("pattern-sinks", []):
            items = block.get("patterns", []) if isinstance(block, dict) else []
            if {"pattern": "$PATH.$METHOD(...)"} in items \
                    and {"focus-metavariable": "$PATH"} in items:
                regex = next(i["metavariable-regex"]["regex"] for i in items
                             if "metavariable-regex" in i)
                focused |= set(regex.strip("^$()").split("|"))
    assert focused and focused == RECEIVER_SINKS
