"""The SQLite connection of the current request."""

import sqlite3

from flask import current_app, g


def get_db():
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(_exc=None):
    """Close the request's connection, if any."""
    db = g.pop("db", None)
    if db is not None:
        db.close()
