import json

from django.http import HttpResponse


def save_prefs(request):
    prefs = json.loads(request.body)
    request.session["prefs"] = {"theme": prefs.get("theme"), "lang": prefs.get("lang")}
    return HttpResponse(status=204)
