import re

from flask import Flask, request

app = Flask(__name__)
TICKET = re.compile(r"[A-Z]+-\d+")


@app.post("/commits/parse")
def parse_commit():
    message = request.form.get("message", "")
    match = TICKET.search(message)
    found = re.search(r"fixes (\S+)", message)
    return {"ticket": match.group(0) if match else None, "fixes": bool(found)}
