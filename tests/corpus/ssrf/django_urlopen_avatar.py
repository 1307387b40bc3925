from urllib.request import urlopen

from django.http import HttpResponse


def avatar_proxy(request):
    src = request.GET["src"]
    with urlopen(src, timeout=5) as resp:
        return HttpResponse(resp.read(), content_type="image/png")
