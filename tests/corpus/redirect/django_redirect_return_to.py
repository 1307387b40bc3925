from django.contrib.auth import logout
from django.shortcuts import redirect


def sign_out(request):
    logout(request)
    target = request.GET.get("return_to", "/")
    return redirect(target)
