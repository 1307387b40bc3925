"""JSON endpoints."""

import yaml
from flask import Blueprint, request, session

from notes.api.lookup import find_user
from notes.dao.notes import NoteDAO
from notes.services.links import fetch_title, preview

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/unfurl")
def unfurl():
    url = request.get_json()["url"]
    return {"url": url, "title": fetch_title(url)}


@bp.post("/preview")
def link_preview():
    return preview(request.get_json()["url"])


@bp.get("/mentions")
def mentions():
    term = request.args.get("q", "")
    return {"users": [dict(row) for row in find_user(term)]}


@bp.post("/import")
def import_notes():
    document = yaml.safe_load(request.get_data())
    ids = [NoteDAO.create(session["user_id"], item["title"], item.get("body", ""))
           for item in document.get("notes", [])]
    return {"imported": ids}, 201
