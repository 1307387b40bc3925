"""The anonymous cart lives in a cookie."""

from django.core import signing

COOKIE = "cart"


def load_cart(request):
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return {}
    try:
        return signing.loads(raw, salt="cart")
    except signing.BadSignature:
        return {}


def dump_cart(response, cart):
    response.set_cookie(COOKIE, signing.dumps(cart, salt="cart"), secure=True, httponly=True, samesite="Lax")
    return response
