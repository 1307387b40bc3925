import json

from django.http import JsonResponse


def import_settings(request):
    settings = json.loads(request.body)
    return JsonResponse({"keys": sorted(settings)})
