from pathlib import Path

from django.http import HttpResponse

THEMES = Path("/srv/themes")


def theme_css(request, theme):
    css = (THEMES / theme / "site.css").read_text()
    return HttpResponse(css, content_type="text/css")
