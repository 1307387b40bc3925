import subprocess

from django.http import HttpResponse, HttpResponseBadRequest


def container_logs(request, name):
    if not name.isalnum():
        return HttpResponseBadRequest("bad container name")
    logs = subprocess.check_output(f"docker logs --tail 100 {name}", shell=True)
    return HttpResponse(logs, content_type="text/plain")
