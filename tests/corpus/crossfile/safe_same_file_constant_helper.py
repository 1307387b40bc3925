import subprocess

from flask import Flask, request

app = Flask(__name__)


def _backup_target(requested):
    return "/backups/nightly"


@app.post("/backup")
def backup():
    target = _backup_target(request.form.get("target"))
    subprocess.run("tar czf " + target + "/site.tgz /srv/site", shell=True, check=True)
    return {"ok": True}
