from flask import Flask, request
from jinja2 import Environment

app = Flask(__name__)
env = Environment()


@app.post("/mail/preview")
def mail_preview():
    template_text = request.form["template"]
    template = env.from_string(template_text)
    return {"preview": template.render(name="Ada")}
