"""A deliberately vulnerable notes service, used to demonstrate assay. Never deploy it."""

import hashlib
import os
import pickle
import sqlite3
import subprocess

import yaml
from flask import Flask, request

app = Flask(__name__)
app.secret_key = "development-secret-key-1234"
DB = "notes.db"


def db():
    return sqlite3.connect(DB)


@app.route("/notes")
def notes():
    owner = request.args.get("owner", "")
    # Vulnerable: the owner is pasted into the statement.
    query = "SELECT id, body FROM notes WHERE owner = '%s'" % owner
    return {"notes": db().execute(query).fetchall()}


@app.route("/notes/<int:note_id>")
def note(note_id):
    # Safe: the value travels as a parameter.
    row = db().execute("SELECT body FROM notes WHERE id = ?", (note_id,)).fetchone()
    return {"body": row[0] if row else None}


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    # Vulnerable: a shell parses the host name.
    return subprocess.check_output("ping -c 1 " + host, shell=True)


@app.route("/ping-safe")
def ping_safe():
    host = request.args.get("host", "localhost")
    # Safe: an argument list, no shell.
    return subprocess.check_output(["ping", "-c", "1", host])


@app.route("/import", methods=["POST"])
def import_notes():
    # Vulnerable: pickle builds whatever the client sends.
    return {"imported": len(pickle.loads(request.get_data()))}


@app.route("/import-yaml", methods=["POST"])
def import_yaml():
    # Safe: safe_load only builds plain data.
    return {"imported": len(yaml.safe_load(request.get_data()) or [])}


def share_token(note_id):
    # Weak: MD5 is not fit for tokens.
    return hashlib.md5(f"{note_id}:{app.secret_key}".encode()).hexdigest()


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
