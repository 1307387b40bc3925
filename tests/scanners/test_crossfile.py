"""The cross-file pre-pass on small multi-file applications, scanned with the real
scanners: each test reduces a miss or false alarm seen on real code to its cause."""

from __future__ import annotations

from assay.api import scan
from assay.model import Finding
from tests.helpers import GitRepo

SQLI = "assay.python.sqli.taint"
VIEW = ("from flask import Flask, request\nfrom libuser import login\n\napp = Flask(__name__)\n\n\n"
        "@app.route('/login')\ndef view():\n"
        "    if login(request.args['u'], request.args['p']):\n"
        "        return 'welcome'\n    return 'no'\n")


def _found(repo: GitRepo) -> list[Finding]:
    return list(scan(repo.path).run.findings)


def _at(findings: list[Finding], rule: str) -> list[tuple[str, int]]:
    return [(f.path, f.span.start_line) for f in findings if f.rule_id == rule]


def test_a_helper_returning_a_constant_does_not_sanitize_its_own_sink(repo: GitRepo) -> None:
    repo.write("libuser.py", "import sqlite3\n\n\ndef login(u, p):\n"
                             "    cur = sqlite3.connect('app.db').cursor()\n"
                             "    cur.execute(\"select 1 from users where name = '%s'"
                             " and pw = '%s'\" % (u, p))\n    return True\n")
    repo.write("app.py", VIEW)
    repo.commit()
    findings = _found(repo)
    # found once at the call that passes request data, however many arguments it taints
    assert _at(findings, SQLI) == [("app.py", 9)]
    # Bandit's finding on the query itself is not dropped silently
    assert [f.path for f in findings if f.rule_id == "B608"] == ["libuser.py"]


def test_the_constant_result_of_such_a_helper_is_still_clean(repo: GitRepo) -> None:
    repo.write("libuser.py", "import os\n\n\ndef audit(entry):\n"
                             "    os.system('logger ' + entry)\n    return 'done'\n")
    repo.write("app.py", "import os\nfrom flask import Flask, request\n"
                         "from libuser import audit\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/a')\ndef view():\n"
                         "    status = audit(request.args['e'])\n"
                         "    os.system('echo ' + status)\n    return 'ok'\n")
    repo.commit()
    findings = _found(repo)
    # the call passes request data to the helper's sink; its constant result is clean
    assert _at(findings, "assay.python.command-injection.taint") == [("app.py", 10)]


DAO = """import sqlite3


class UserDao:
    @staticmethod
    def find(name):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute("select * from users where name = '%s'" % name)
        return cur.fetchall()

    @classmethod
    def by_mail(cls, mail):
        return cls.find(mail)

    def remove(self, name):
        sqlite3.connect("app.db").execute("delete from users where name = '" + name + "'")
"""
HANDLERS = """from flask import Flask, request

from dao import UserDao

app = Flask(__name__)


@app.route("/users")
def users():
    rows = UserDao.find(request.args["name"])
    UserDao.by_mail(request.args["mail"])
    dao = UserDao()
    dao.remove(request.form["name"])
    return str(rows)
"""


def test_methods_are_summarized_like_functions(repo: GitRepo) -> None:
    """Static, class and instance methods, called through the imported class and through
    an instance; a class method calling another method of its class through `cls`."""
    repo.write("dao.py", DAO)
    repo.write("handlers.py", HANDLERS)
    repo.commit()
    findings = _found(repo)
    assert _at(findings, SQLI) == [("handlers.py", 10), ("handlers.py", 11),
                                   ("handlers.py", 13)]
    # a method of the class called through cls is not ElementTree's find (an XPath sink)
    assert not [f for f in findings if f.cwe == 643]
