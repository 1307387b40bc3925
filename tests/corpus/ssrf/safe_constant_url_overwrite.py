import requests
from django.http import JsonResponse


def ping_upstream(request):
    target = request.GET.get("target")
    target = "https://upstream.example.com/ping"
    ok = requests.head(target, timeout=3).ok
    return JsonResponse({"ok": ok})
