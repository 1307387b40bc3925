"""The anonymous cart lives in a cookie."""

import base64
import pickle

COOKIE = "cart"


def load_cart(request):
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return {}
    return pickle.loads(base64.b64decode(raw))


def dump_cart(response, cart):
    response.set_cookie(COOKIE, base64.b64encode(pickle.dumps(cart)).decode(), secure=True, httponly=True, samesite="Lax")
    return response
