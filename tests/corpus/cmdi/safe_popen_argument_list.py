import subprocess
from django.http import HttpResponse

def grep(request):
    pattern = request.GET["p"]
    p = subprocess.Popen(["grep", "-r", "--", pattern, "/srv/docs"], stdout=subprocess.PIPE)
    return HttpResponse(p.communicate()[0], content_type="text/plain")
