import os

from django.http import HttpResponse


def view_log(request):
    log_name = os.path.basename(request.GET.get("log", "app.log"))
    with open(os.path.join("/var/log/myapp", log_name)) as fh:
        lines = fh.readlines()[-200:]
    return HttpResponse("".join(lines), content_type="text/plain")
