from django.shortcuts import redirect


def help_article(request):
    slug = request.GET.get("slug", "index")
    return redirect("https://help.example.com/articles/" + slug)
