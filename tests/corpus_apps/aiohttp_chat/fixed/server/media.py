import asyncio
import os

from aiohttp import web

import settings


async def download(request):
    name = os.path.basename(request.query["file"])
    return web.FileResponse(settings.MEDIA_ROOT / name)


async def sticker(request):
    return web.FileResponse(settings.MEDIA_ROOT / "stickers" / request.match_info["name"])


async def upload(request):
    reader = await request.multipart()
    field = await reader.next()
    target = settings.UPLOAD_ROOT / os.path.basename(field.filename)
    with open(target, "wb") as out:
        while chunk := await field.read_chunk():
            out.write(chunk)
    return web.json_response({"stored": field.filename}, status=201)


async def transcode(request):
    data = await request.post()
    source = settings.UPLOAD_ROOT / "voice.ogg"
    process = await asyncio.create_subprocess_exec("ffmpeg", "-y", "-i", str(source), "-b:a", data["bitrate"], f"{source}.mp3")
    await process.wait()
    return web.json_response({"status": process.returncode})
