import requests
from django.http import JsonResponse

def fetch(request):
    user = request.GET["user"]
    r = requests.get("https://api.github.com/users/" + user, timeout=3)
    return JsonResponse({"status": r.status_code})
