"""Read-only queries of the moderation bot."""

import sqlite3

DATABASE = "chat.sqlite3"


def search_messages(room, term, limit):
    with sqlite3.connect(DATABASE) as db:
        rows = db.execute("SELECT author, body FROM messages WHERE room = ? AND body LIKE ? LIMIT ?", (room, f"%{term}%", int(limit)))
        return [{"author": author, "body": body} for author, body in rows]
