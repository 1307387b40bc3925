"""Users."""

from notes.db import get_db


class UserDAO:
    """Queries on the users table."""

    @staticmethod
    def by_email(email):
        return get_db().execute("SELECT id, email, password_hash FROM users WHERE email = ?",
                                (email,)).fetchone()

    @staticmethod
    def set_password(user_id, password_hash):
        db = get_db()
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
        db.commit()
