import subprocess

from django.http import JsonResponse


def client_version(request):
    agent = request.META.get("HTTP_USER_AGENT", "")
    info = subprocess.getoutput("echo '{}' | ./parse-agent".format(agent))
    return JsonResponse({"agent": info})
