import requests
from django.http import JsonResponse

def fetch(request):
    cfg = {"url": request.GET["u"], "timeout": 3}
    r = requests.get(cfg["url"], timeout=cfg["timeout"])
    return JsonResponse({"status": r.status_code})
