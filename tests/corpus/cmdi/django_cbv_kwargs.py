import subprocess

from django.http import HttpResponse
from django.views import View


class LogTailView(View):
    def get(self, request, *args, **kwargs):
        service = self.kwargs["service"]
        text = subprocess.check_output(f"journalctl -u {service} -n 50", shell=True)
        return HttpResponse(text, content_type="text/plain")
