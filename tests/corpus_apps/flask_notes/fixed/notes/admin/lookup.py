"""User look-up for administrators (substring match on the email)."""

from notes.db import get_db


def find_user(term):
    return get_db().execute("SELECT id, email, created_at FROM users WHERE email LIKE ?", (f"%{term}%",)).fetchall()
