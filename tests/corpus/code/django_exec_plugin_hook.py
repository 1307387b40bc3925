from django.http import JsonResponse


def run_hook(request):
    hook = request.POST.get("hook", "")
    namespace = {}
    exec("def hook(event):\n    " + hook, namespace)
    return JsonResponse({"installed": "hook" in namespace})
