from django.http import HttpResponse


def view_log(request):
    log_name = request.GET.get("log", "app.log")
    with open("/var/log/myapp/" + log_name) as fh:
        lines = fh.readlines()[-200:]
    return HttpResponse("".join(lines), content_type="text/plain")
