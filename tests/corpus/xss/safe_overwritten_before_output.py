from django.http import HttpResponse


def status(request):
    message = request.GET.get("message", "")
    message = "Service is running"
    return HttpResponse(f"<p>{message}</p>")
