from flask import Flask, render_template_string, request

app = Flask(__name__)
PAGE = "<h2>Results for {{ query }}</h2><div id='results'></div>"


@app.get("/search")
def search():
    query = request.args.get("q", "")
    return render_template_string(PAGE, query=query)
