from django.http import JsonResponse


def power(request):
    exponent = int(request.GET.get("n", "2"))
    return JsonResponse({"value": eval(f"2 ** {exponent}")})
