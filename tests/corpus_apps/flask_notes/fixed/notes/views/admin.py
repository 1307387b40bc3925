"""Administration pages."""

from flask import Blueprint, abort, render_template, request, session

from notes.admin.lookup import find_user
from notes.db import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")

STATS = {
    "notes": lambda db: db.execute("SELECT COUNT(*) FROM notes").fetchone()[0],
    "users": lambda db: db.execute("SELECT COUNT(*) FROM users").fetchone()[0],
}


@bp.before_request
def require_admin():
    if not session.get("is_admin"):
        abort(403)


@bp.route("/users")
def users():
    term = request.args.get("q", "")
    return render_template("admin/users.html", users=find_user(term), query=term)


@bp.route("/stats")
def stats():
    expression = request.args.get("expr", "notes")
    db = get_db()
    values = {name: count(db) for name, count in STATS.items()}
    if expression not in values:
        abort(400)
    return {"expr": expression, "value": values[expression]}
