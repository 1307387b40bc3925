from django.http import HttpResponse
from django.utils.html import format_html


def banner(request):
    message = request.GET.get("msg", "")
    return HttpResponse(format_html("<div class='banner'>{}</div>", message))
