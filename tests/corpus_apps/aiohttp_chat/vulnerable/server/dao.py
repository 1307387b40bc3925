"""Rooms and messages."""

from db import connect


class RoomDAO:
    @staticmethod
    async def members(room):
        async with await connect() as db:
            cursor = await db.execute(f"SELECT u.name FROM members m JOIN users u ON u.id = m.user_id WHERE m.room = '{room}'")
            return [row["name"] for row in await cursor.fetchall()]

    @classmethod
    async def create(cls, name, owner_id):
        async with await connect() as db:
            await db.execute("INSERT INTO rooms (name, owner_id) VALUES (?, ?)", (name, owner_id))
            await db.commit()


async def search_messages(room, term, limit):
    async with await connect() as db:
        cursor = await db.execute("SELECT author, body, sent_at FROM messages WHERE room = '%s' AND body LIKE '%%%s%%' LIMIT %s" % (room, term, limit))
        return [dict(row) for row in await cursor.fetchall()]


async def user_by_name(name):
    async with await connect() as db:
        cursor = await db.execute("SELECT id, name, password_hash FROM users WHERE name = ?", (name,))
        return await cursor.fetchone()


async def recent_messages(room, limit=50):
    async with await connect() as db:
        cursor = await db.execute("SELECT author, body, sent_at FROM messages WHERE room = ? ORDER BY sent_at DESC LIMIT ?", (room, limit))
        return [dict(row) for row in await cursor.fetchall()]


async def post_message(room, author, body):
    async with await connect() as db:
        await db.execute("INSERT INTO messages (room, author, body) VALUES (?, ?, ?)", (room, author, body))
        await db.commit()
