from lxml import etree
from flask import Flask, request
app = Flask(__name__)
DOC = etree.parse("data.xml")

def lookup(name):
    return DOC.xpath("//user[@name='" + name + "']")

@app.get("/l")
def l():
    return {"n": len(lookup(request.args["name"]))}
