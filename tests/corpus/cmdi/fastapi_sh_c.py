import subprocess

from fastapi import FastAPI

app = FastAPI()


@app.get("/git/log")
def git_log(branch: str = "main"):
    script = "git log --oneline -n 20 " + branch
    out = subprocess.check_output(["/bin/sh", "-c", script], text=True)
    return {"log": out.splitlines()}
