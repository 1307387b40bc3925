import subprocess

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health(verbose: bool = False):
    cmd = "df -h /"
    if verbose:
        cmd = "df -h"
    out = subprocess.check_output(cmd, shell=True, text=True)
    return {"disk": out}
