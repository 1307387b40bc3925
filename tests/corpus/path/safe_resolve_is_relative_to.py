from pathlib import Path

from django.http import Http404, HttpResponse

THEMES = Path("/srv/themes").resolve()


def theme_css(request, theme):
    css_path = (THEMES / theme / "site.css").resolve()
    if not css_path.is_relative_to(THEMES):
        raise Http404("no such theme")
    return HttpResponse(css_path.read_text(), content_type="text/css")
