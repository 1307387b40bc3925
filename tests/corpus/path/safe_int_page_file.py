from django.http import HttpResponse


def chapter(request):
    number = int(request.GET.get("chapter", "1"))
    with open(f"/srv/book/chapter-{number}.html", encoding="utf-8") as fh:
        return HttpResponse(fh.read())
