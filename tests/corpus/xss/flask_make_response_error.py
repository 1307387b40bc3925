from flask import Flask, make_response, request

app = Flask(__name__)


@app.errorhandler(404)
def not_found(error):
    body = "<p>No page at <code>{}</code></p>".format(request.path)
    return make_response(body, 404)
