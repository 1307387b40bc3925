from django.http import JsonResponse
from .models import Item

def item(request):
    obj = Item.objects.get(slug=request.GET["slug"])
    return JsonResponse({"name": obj.name})
