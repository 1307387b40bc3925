import secrets

from django.http import JsonResponse


def issue_api_token(request):
    token = secrets.token_urlsafe(32)
    request.user.profile.api_token = token
    request.user.profile.save()
    return JsonResponse({"token": token})
