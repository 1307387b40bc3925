"""Helpers that make values safe for one use or another."""

import html
import shlex

from werkzeug.utils import secure_filename

REPORT_TABLES = {"daily": "reports_daily", "weekly": "reports_weekly"}


def report_table(kind):
    if kind == "weekly":
        return "reports_weekly"
    return "reports_daily"


def page_number(raw):
    return int(raw or 1)


def html_text(value):
    return html.escape(value or "")


def shell_arg(value):
    return shlex.quote(value)


def upload_name(filename):
    return secure_filename(filename)


def default_sort(requested):
    return "created_at"
