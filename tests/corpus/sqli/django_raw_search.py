from django.http import JsonResponse

from .models import Article


def search(request):
    term = request.GET.get("q", "")
    articles = Article.objects.raw(
        "SELECT * FROM blog_article WHERE title LIKE '%%" + term + "%%'"
    )
    return JsonResponse({"results": [a.title for a in articles]})
