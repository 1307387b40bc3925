from lxml import etree
from flask import Flask, request
app = Flask(__name__)

@app.post("/x")
def x():
    parser = etree.XMLParser(load_dtd=True, no_network=False)
    root = etree.fromstring(request.get_data(), parser=parser)
    return {"tag": root.tag}
