"""Attachments: upload, download, thumbnails, the archive and exports."""

import os

from flask import Blueprint, abort, current_app, request, send_file

from notes.services.export import export_note

bp = Blueprint("files", __name__, url_prefix="/files")


@bp.route("/download")
def download():
    name = request.args["name"]
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], name)
    return send_file(path)


@bp.route("/upload", methods=["POST"])
def upload():
    attachment = request.files["file"]
    attachment.save(os.path.join(current_app.config["UPLOAD_FOLDER"], attachment.filename))
    return {"stored": attachment.filename}, 201


@bp.route("/attachment/<int:attachment_id>")
def attachment(attachment_id):
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], f"{attachment_id}.bin")
    return send_file(path)


@bp.route("/thumbnail/<name>")
def thumbnail(name):
    return send_file(os.path.join(current_app.config["THUMBNAIL_FOLDER"], name))


@bp.route("/archive")
def archive():
    name = request.args.get("name", "")
    base = os.path.realpath(current_app.config["ARCHIVE_FOLDER"])
    path = os.path.realpath(os.path.join(base, name))
    if not path.startswith(base + os.sep):
        abort(404)
    return send_file(path)


@bp.route("/export/<int:note_id>")
def export(note_id):
    title = request.args.get("title", "Note")
    return send_file(export_note(note_id, title))


@bp.route("/export/<int:note_id>/download")
def download_export(note_id):
    name = request.args.get("file", "")
    if name != f"{note_id}.pdf":
        abort(404)
    return send_file(os.path.join(current_app.config["EXPORT_FOLDER"], name), as_attachment=True)
