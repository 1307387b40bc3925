from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template import loader

from accounts.utils import safe_next


def sign_in(request):
    if request.method == "POST":
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
        if user is not None:
            login(request, user)
            request.session["last_login_ip"] = request.META.get("REMOTE_ADDR")
            return redirect(safe_next(request))
    return render(request, "accounts/sign_in.html")


def sign_out(request):
    logout(request)
    return HttpResponseRedirect(safe_next(request))


def csrf_failure(request, reason=""):
    """Shown when a form fails the CSRF check (settings.CSRF_FAILURE_VIEW)."""
    template = loader.get_template("accounts/csrf_failure.html")
    context = {"reason": reason, "referer": request.META.get("HTTP_REFERER", "")}
    return HttpResponseForbidden(template.render(context, request))
