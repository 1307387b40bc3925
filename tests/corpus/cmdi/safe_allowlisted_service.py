import subprocess

from django.http import HttpResponse, HttpResponseBadRequest

SERVICES = ("nginx", "postgresql", "redis")


def restart(request):
    service = request.POST.get("service", "")
    if service not in SERVICES:
        return HttpResponseBadRequest("unknown service")
    subprocess.run(f"sudo systemctl restart {service}", shell=True, check=True)
    return HttpResponse("restarted")
