import os

from django.http import HttpResponse


def whois(request):
    domain = request.POST.get("domain", "")
    output = os.popen("whois %s" % domain).read()
    return HttpResponse(output, content_type="text/plain")
