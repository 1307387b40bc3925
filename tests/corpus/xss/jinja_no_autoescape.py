from flask import Flask, request
from jinja2 import Template

app = Flask(__name__)
CARD = Template("<div class='card'><h3>{{ title }}</h3><p>{{ body }}</p></div>")


@app.post("/cards/preview")
def card_preview():
    data = request.get_json()
    html = CARD.render(title=data["title"], body=data["body"])
    return {"html": html}
