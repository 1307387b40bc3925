from django.http import JsonResponse


def highlight(request):
    text = request.GET.get("text", "")
    word = request.GET.get("word", "")
    position = text.find(word)
    return JsonResponse({"position": position})
