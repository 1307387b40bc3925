"""Listing, showing and previewing notes."""

from flask import Blueprint, abort, make_response, render_template, request, session
from markupsafe import Markup

from notes.services import notes as service
from notes.services.widgets import find_widget
from notes.utils.text import escape_html

bp = Blueprint("notes", __name__, url_prefix="/notes")


@bp.route("/")
def index():
    term = request.args.get("q", "")
    order = request.args.get("order", "created_at")
    rows = service.search_notes(session["user_id"], term, order)
    return render_template("notes/list.html", notes=rows, query=term)


@bp.route("/tag/<tag>")
def by_tag(tag):
    return render_template("notes/list.html", notes=service.notes_tagged(tag), query=tag)


@bp.route("/<int:note_id>")
def show(note_id):
    note, body = service.note_with_html(note_id)
    if note is None or note["owner_id"] != session.get("user_id"):
        abort(404)
    return render_template("notes/show.html", note=note, body=body)


@bp.route("/preview", methods=["POST"])
def preview():
    text = request.form.get("body", "")
    return f"<div class='preview'>{escape_html(text)}</div>"


@bp.route("/title-preview")
def title_preview():
    title = request.args.get("title", "")
    return f"<h2 class='title'>{escape_html(title)}</h2>"


@bp.route("/banner")
def banner():
    message = request.args.get("message", "")
    return render_template("notes/banner.html", banner=Markup("<strong>{}</strong>").format(message))


@bp.route("/count")
def count():
    term = request.args.get("q", "")
    rows = service.search_notes(session["user_id"], "", "created_at")
    return {"query": term, "count": sum(1 for row in rows if term in row["title"])}


@bp.route("/widgets/<name>")
def widget(name):
    renderer = find_widget(name)
    if renderer is None:
        abort(404)
    return renderer(session["user_id"])


@bp.route("/draft.md", methods=["POST"])
def download_draft():
    response = make_response(request.form.get("body", ""))
    response.mimetype = "text/markdown"
    response.headers["Content-Disposition"] = "attachment; filename=draft.md"
    return response
