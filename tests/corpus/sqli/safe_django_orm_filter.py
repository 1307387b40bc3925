from django.http import JsonResponse

from .models import Article


def search(request):
    term = request.GET.get("q", "")
    articles = Article.objects.filter(title__icontains=term).order_by("-published")
    return JsonResponse({"results": [a.title for a in articles[:20]]})
