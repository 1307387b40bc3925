import base64
import pickle

import aiohttp
from aiohttp import web
from aiohttp_session import get_session

import dao
import settings
from security import allowed_redirect, check_password


async def login(request):
    data = await request.post()
    session = await get_session(request)
    user = await dao.user_by_name(data["name"])
    if user is None or not check_password(data["password"], user["password_hash"]):
        raise web.HTTPUnauthorized()
    session["user"] = user["name"]
    target = request.query.get("next", "/")
    if allowed_redirect(target):
        raise web.HTTPFound(target)
    raise web.HTTPFound("/")


async def logout(request):
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPFound(request.query.get("next", "/"))


async def preferences(request):
    raw = request.cookies.get("prefs")
    prefs = pickle.loads(base64.b64decode(raw)) if raw else {}
    return web.json_response(prefs)


async def import_avatar(request):
    data = await request.post()
    async with aiohttp.ClientSession() as client, client.get(data["avatar_url"]) as response:
        image = await response.read()
    (settings.MEDIA_ROOT / "avatars" / f"{request.match_info['user_id']}.png").write_bytes(image)
    return web.json_response({"size": len(image)})


async def avatar(request):
    name = request.query.get("name", "")
    async with aiohttp.ClientSession() as client, client.get(settings.AVATAR_CDN, params={"name": name}) as response:
        return web.Response(body=await response.read(), content_type="image/png")
