import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

import importer
import media
import rooms
import settings
import users


def create_app():
    app = web.Application(client_max_size=8 * 1024 * 1024)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(settings.TEMPLATES), autoescape=True)
    setup_session(app, EncryptedCookieStorage(settings.COOKIE_KEY, cookie_name="chat", httponly=True, secure=True))
    app.router.add_get("/rooms/{room}", rooms.room, name="room")
    app.router.add_get("/rooms/{room}/members", rooms.members)
    app.router.add_get("/rooms/{room}/search", rooms.search)
    app.router.add_post("/rooms/{room}/messages", rooms.post)
    app.router.add_get("/media", media.download)
    app.router.add_get("/stickers/{name}", media.sticker)
    app.router.add_post("/media", media.upload)
    app.router.add_post("/media/transcode", media.transcode)
    app.router.add_post("/login", users.login)
    app.router.add_get("/logout", users.logout)
    app.router.add_get("/preferences", users.preferences)
    app.router.add_post("/users/{user_id}/avatar", users.import_avatar)
    app.router.add_get("/avatar", users.avatar)
    app.router.add_post("/import", importer.import_transcript)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
