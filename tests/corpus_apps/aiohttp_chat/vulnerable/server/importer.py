"""Import of chat transcripts exported by the old XMPP server."""

import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges

from aiohttp import web


class Transcript(ContentHandler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def startElement(self, name, attrs):
        if name == "message":
            self.messages.append(dict(attrs))


async def import_transcript(request):
    handler = Transcript()
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.feed(await request.read())
    parser.close()
    return web.json_response({"messages": len(handler.messages)})
