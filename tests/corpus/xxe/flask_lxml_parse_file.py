from flask import Flask, request
from lxml import etree

app = Flask(__name__)


@app.post("/svg/inspect")
def inspect_svg():
    upload = request.files["svg"]
    parser = etree.XMLParser(no_network=False)
    tree = etree.parse(upload.stream, parser=parser)
    return {"width": tree.getroot().get("width")}
