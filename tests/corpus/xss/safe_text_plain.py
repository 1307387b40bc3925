from django.http import HttpResponse


def echo(request):
    text = request.GET.get("text", "")
    return HttpResponse("You sent: " + text, content_type="text/plain")
