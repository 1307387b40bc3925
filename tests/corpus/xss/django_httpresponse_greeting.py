from django.http import HttpResponse


def greet(request):
    user = request.GET.get("user", "")
    html = "<html><body><p>Welcome back, " + user + "</p></body></html>"
    return HttpResponse(html)
