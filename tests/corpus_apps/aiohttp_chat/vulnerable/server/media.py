import asyncio

from aiohttp import web

import settings


async def download(request):
    name = request.query["file"]
    return web.FileResponse(settings.MEDIA_ROOT / name)


async def sticker(request):
    return web.FileResponse(settings.MEDIA_ROOT / "stickers" / request.match_info["name"])


async def upload(request):
    reader = await request.multipart()
    field = await reader.next()
    target = settings.UPLOAD_ROOT / field.filename
    with open(target, "wb") as out:
        while chunk := await field.read_chunk():
            out.write(chunk)
    return web.json_response({"stored": field.filename}, status=201)


async def transcode(request):
    data = await request.post()
    source = settings.UPLOAD_ROOT / "voice.ogg"
    process = await asyncio.create_subprocess_shell(f"ffmpeg -y -i {source} -b:a {data['bitrate']} {source}.mp3")
    await process.wait()
    return web.json_response({"status": process.returncode})
