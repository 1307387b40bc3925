from django.http import HttpResponseRedirect


def switch_language(request):
    request.session["lang"] = "de"
    back = request.META.get("HTTP_REFERER", "/")
    return HttpResponseRedirect(back)
