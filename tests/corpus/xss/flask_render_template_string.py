from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.get("/search")
def search():
    query = request.args.get("q", "")
    page = "<h2>Results for %s</h2><div id='results'></div>" % query
    return render_template_string(page)
