"""A template context built by a service (`context = service.report_context(scan_id,
note)`, then `TemplateResponse(request, "report.html", context)`): the argument that
fills a variable the template renders with |safe reaches it, reported at the template
line. Beside it, variables the template escapes, a value the service escapes, and a
Jinja2 environment without a loader switching autoescaping off for the strings it is
given only, which does not make every template file unescaped."""

from __future__ import annotations

from assay.api import scan
from tests.helpers import GitRepo

SERVICE = '''\
from markupsafe import escape


class ReportService:
    def report_context(self, scan_id: int, note: str, title: str) -> dict:
        return {"scan": {"id": scan_id}, "note": note, "title": title}

    def banner_context(self, message: str) -> dict:
        return {"banner": escape(message)}


def summary_context(note):
    return dict(summary=note)
'''

ROUTES = '''\
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment

from app.service import ReportService, summary_context

router = APIRouter()
templates = Jinja2Templates(directory="app/templates")
snippets = Environment(autoescape=False)


def get_service() -> ReportService:
    return ReportService()


@router.get("/reports/{scan_id}")
def report(request: Request, scan_id: int, service: Annotated[ReportService, Depends(get_service)],
           note: str = "", title: str = ""):
    try:
        context = service.report_context(scan_id, note, title)
    except LookupError as exc:
        raise HTTPException(status_code=404) from exc
    return templates.TemplateResponse(request, "report.html", context)


@router.get("/banner")
def banner(request: Request, service: Annotated[ReportService, Depends(get_service)],
           message: str = ""):
    context = service.banner_context(message)
    return templates.TemplateResponse(request, "banner.html", context)


@router.get("/summary")
def summary(request: Request, note: str = ""):
    return templates.TemplateResponse(request, "summary.html", summary_context(note))


@router.get("/snippet")
def snippet(name: str = "") -> str:
    return snippets.from_string("<p>Hello</p>").render()
'''

TEMPLATES = {
    "app/templates/report.html": "<h1>{{ title }}</h1>\n<div>{{ note|safe }}</div>\n",
    "app/templates/banner.html": "<p>{{ banner|safe }}</p>\n",
    "app/templates/summary.html": "<p>{{ summary|safe }}</p>\n",
}


def test_a_context_a_service_builds_of_an_argument_reaches_the_template(
        repo: GitRepo) -> None:
    # the note (report.html:2) and the summary (summary.html:1) reach |safe; the title
    # is escaped by the template, the banner by the service; the environment without a
    # loader renders no template file, so report.html's title stays escaped
    for path, text in {"app/__init__.py": "", "app/service.py": SERVICE,
                       "app/routes.py": ROUTES, **TEMPLATES}.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert sorted((f.path, f.span.start_line) for f in run.findings) == [
        ("app/templates/report.html", 2), ("app/templates/summary.html", 1)]


LATE_LOADER = '''\
from flask import Flask, request
from jinja2 import Environment, FileSystemLoader

app = Flask(__name__)
pages = Environment(autoescape=False)
pages.loader = FileSystemLoader("app/templates")


@app.get("/page")
def page():
    return pages.get_template("report.html").render(title=request.args.get("title", ""))
'''


def test_an_environment_given_a_loader_afterwards_still_switches_escaping_off(
        repo: GitRepo) -> None:
    # a pull request cannot hide unescaped template files behind an environment made
    # without a loader and given one on the next line: the title is rendered raw
    for path, text in {"app/__init__.py": "", "app/views.py": LATE_LOADER,
                       "app/templates/report.html": TEMPLATES["app/templates/report.html"],
                       }.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert ("app/templates/report.html", 1) in {(f.path, f.span.start_line)
                                                for f in run.findings}


def test_only_an_environment_without_a_loader_or_spread_options_renders_no_file() -> None:
    from assay.scanners.semgrep._template_flow import escaping_off

    assert not escaping_off("snippets = Environment(autoescape=False)\n")
    assert not escaping_off("snippets = jinja2.SandboxedEnvironment(autoescape=False)\n")
    # a loader in the call, options spread into it, or a loader given afterwards; Django's
    # and aiohttp_jinja2's switches
    assert escaping_off('env = Environment(loader=FileSystemLoader("t"), autoescape=False)\n')
    assert escaping_off("env = Environment(autoescape=False, **options)\n")
    assert escaping_off("env = Environment(autoescape=False)\nenv.loader = loader\n")
    assert escaping_off('TEMPLATES = [{"OPTIONS": {"autoescape": False}}]\n')
    assert escaping_off("aiohttp_jinja2.setup(app, autoescape=False, loader=loader)\n")
