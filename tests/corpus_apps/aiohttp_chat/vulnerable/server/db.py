import aiosqlite

import settings


async def connect():
    connection = await aiosqlite.connect(settings.DATABASE)
    connection.row_factory = aiosqlite.Row
    return connection
