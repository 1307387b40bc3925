from django.http import HttpResponseBadRequest, JsonResponse

THEMES = {"light", "dark", "high-contrast"}


def set_theme(request):
    theme = request.POST.get("theme", "light")
    if theme not in THEMES:
        return HttpResponseBadRequest("unknown theme")
    request.session["theme"] = theme
    return JsonResponse({"theme": theme})
