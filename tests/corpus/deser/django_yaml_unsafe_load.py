import yaml
from django.http import JsonResponse


def import_fixture(request):
    upload = request.FILES["fixture"]
    objects = yaml.unsafe_load(upload.read())
    return JsonResponse({"count": len(objects)})
