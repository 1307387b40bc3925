from lxml import etree
from flask import Flask, request
app = Flask(__name__)
DOC = etree.parse("data.xml")

@app.get("/l")
def l():
    idx = int(request.args.get("i", "1"))
    return {"n": len(DOC.xpath(f"//user[{idx}]"))}
