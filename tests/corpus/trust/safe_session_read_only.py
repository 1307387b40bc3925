from django.http import JsonResponse


def whoami(request):
    requested = request.GET.get("field", "username")
    data = {"username": request.session.get("username"), "requested": requested}
    return JsonResponse(data)
