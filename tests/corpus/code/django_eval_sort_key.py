from django.http import JsonResponse

from .models import Product


def sorted_products(request):
    key = request.GET.get("key", "p.price")
    products = list(Product.objects.all())
    products.sort(key=lambda p: eval(key, {"p": p}))
    return JsonResponse({"ids": [p.id for p in products]})
