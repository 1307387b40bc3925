"""The audit trail of sign-ins."""

from notes.db import get_db


def record_login(email):
    db = get_db()
    db.execute("INSERT INTO audit (event, detail) VALUES ('login', '%s')" % email)
    db.commit()
    return True
