import json

import requests
from django.http import JsonResponse


def import_feed(request):
    payload = json.loads(request.body)
    feed_url = payload["feed"]
    session = requests.Session()
    data = session.get(feed_url, timeout=10).json()
    return JsonResponse({"entries": len(data.get("items", []))})
