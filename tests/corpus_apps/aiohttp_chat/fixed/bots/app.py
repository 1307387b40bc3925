"""Webhook endpoint the moderation bot calls."""

from aiohttp import web

from dao import search_messages

BOT_TOKEN_HEADER = "X-Bot-Token"


async def flagged(request):
    term = request.query.get("q", "")
    room = request.match_info["room"]
    return web.json_response({"hits": search_messages(room, term, request.query.get("limit", "10"))})


def create_app():
    app = web.Application()
    app.router.add_get("/bot/{room}/flagged", flagged)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8081)
