from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)
TREE = etree.parse("/srv/app/config.xml")


@app.get("/config/value")
def config_value():
    key = request.args.get("key", "")
    nodes = TREE.getroot().xpath("//setting[@name='{}']/@value".format(key))
    return jsonify([str(n) for n in nodes])
