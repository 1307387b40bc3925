import re

from flask import Flask, abort, jsonify, request
from lxml import etree

app = Flask(__name__)
TREE = etree.parse("/srv/app/config.xml")


@app.get("/config/value")
def config_value():
    key = request.args.get("key", "")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", key):
        abort(400)
    nodes = TREE.xpath("//setting[@name='{}']/@value".format(key))
    return jsonify([str(n) for n in nodes])
