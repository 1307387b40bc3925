"""Signing in and out."""

import secrets

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from notes.dao.audit import record_login
from notes.dao.users import UserDAO
from notes.forms import LoginForm
from notes.utils.security import is_safe_redirect, verify_password

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = UserDAO.by_email(form.email.data)
        if user and verify_password(form.password.data, user["password_hash"]):
            session.clear()
            session["user_id"] = user["id"]
            record_login(request.form["email"])
            target = request.args.get("next", "")
            if is_safe_redirect(target):
                return redirect(target)
            return redirect(url_for("notes.index"))
        flash("Invalid email or password.")
    return render_template("auth/login.html", form=form)


@bp.route("/remember", methods=["POST"])
def remember():
    response = make_response(redirect(url_for("notes.index")))
    response.set_cookie("remember_token", secrets.token_urlsafe(32), max_age=30 * 86400)
    return response


@bp.route("/logout")
def logout():
    session.clear()
    response = redirect(request.args.get("next", "/"))
    response.set_cookie("remember_token", "", expires=0)
    return response
