from django.http import JsonResponse


def set_owner(request):
    owner = request.GET.get("owner")
    request.session["cart_owner"] = owner
    return JsonResponse({"ok": True})
