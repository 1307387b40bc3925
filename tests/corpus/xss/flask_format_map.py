from flask import Flask, request
app = Flask(__name__)
TEMPLATE = "<div>{name}</div>"

@app.route("/x")
def x():
    return TEMPLATE.format_map({"name": request.args.get("name", "")})
