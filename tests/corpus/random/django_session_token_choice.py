import random
import string

from django.http import JsonResponse


def issue_api_token(request):
    alphabet = string.ascii_letters + string.digits
    token = "".join(random.choice(alphabet) for _ in range(40))
    request.user.profile.api_token = token
    request.user.profile.save()
    return JsonResponse({"token": token})
