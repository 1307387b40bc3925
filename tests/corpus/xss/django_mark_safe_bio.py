from django.shortcuts import render
from django.utils.safestring import mark_safe


def profile_preview(request):
    bio = request.POST.get("bio", "")
    return render(request, "profile.html", {"bio": mark_safe(bio.replace("\n", "<br>"))})
