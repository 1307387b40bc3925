import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

import dao


@aiohttp_jinja2.template("room.html")
async def room(request):
    name = request.match_info["room"]
    return {"room": name, "messages": await dao.recent_messages(name)}


async def members(request):
    return web.json_response({"members": await dao.RoomDAO.members(request.match_info["room"])})


async def search(request):
    room_name = request.match_info["room"]
    term = request.query.get("q", "")
    limit = request.query.get("limit", "20")
    return web.json_response({"results": await dao.search_messages(room_name, term, limit)})


async def post(request):
    data = await request.post()
    session = await get_session(request)
    await dao.post_message(request.match_info["room"], session["user"], data["body"])
    raise web.HTTPSeeOther(request.app.router["room"].url_for(room=request.match_info["room"]))
