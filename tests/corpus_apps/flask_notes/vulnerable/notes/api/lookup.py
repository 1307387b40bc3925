"""User look-up for mentions in the editor (prefix match on the email)."""

from notes.db import get_db


def find_user(term):
    return get_db().execute("SELECT id, email FROM users WHERE email LIKE ? LIMIT 10",
                            (term + "%",)).fetchall()
