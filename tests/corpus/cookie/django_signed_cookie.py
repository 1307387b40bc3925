from django.http import HttpResponse


def set_cart(request):
    response = HttpResponse("ok")
    response.set_signed_cookie("cart", "3 items", max_age=86400)
    return response
