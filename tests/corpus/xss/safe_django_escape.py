from django.http import HttpResponse
from django.utils.html import escape


def greet(request):
    user = escape(request.GET.get("user", ""))
    html = "<html><body><p>Welcome back, " + user + "</p></body></html>"
    return HttpResponse(html)
