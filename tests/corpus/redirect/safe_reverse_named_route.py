from django.http import HttpResponseRedirect
from django.urls import reverse


def after_save(request):
    tab = request.POST.get("tab", "general")
    return HttpResponseRedirect(reverse("settings", kwargs={"tab": tab}))
