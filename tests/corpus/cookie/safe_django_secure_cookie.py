from django.http import JsonResponse


def remember_device(request):
    response = JsonResponse({"remembered": True})
    response.set_cookie("device_id", request.user.profile.device_id, secure=True,
                        httponly=True, samesite="Strict")
    return response
