"""Notes and tags."""

from notes.db import get_db


class NoteDAO:
    """Queries on the notes table."""

    @staticmethod
    def search(owner_id, term, order):
        cur = get_db().cursor()
        cur.execute(f"SELECT id, title, created_at FROM notes WHERE owner_id = {owner_id} AND title LIKE '%{term}%' ORDER BY {order}")
        return cur.fetchall()

    @staticmethod
    def get(note_id):
        cur = get_db().cursor()
        cur.execute("SELECT id, owner_id, title, body FROM notes WHERE id = ?", (note_id,))
        return cur.fetchone()

    @classmethod
    def by_tag(cls, tag):
        cur = get_db().cursor()
        cur.execute("SELECT n.id, n.title, n.created_at FROM notes n JOIN tags t ON t.note_id = n.id WHERE t.name = '%s'" % tag)
        return cur.fetchall()

    @staticmethod
    def create(owner_id, title, body):
        db = get_db()
        cur = db.execute("INSERT INTO notes (owner_id, title, body) VALUES (?, ?, ?)",
                         (owner_id, title, body))
        db.commit()
        return cur.lastrowid
