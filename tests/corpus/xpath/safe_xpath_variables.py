from flask import Flask, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("/srv/app/users.xml")


@app.post("/xml-login")
def xml_login():
    user = request.form["user"]
    password = request.form["password"]
    found = USERS.xpath("//user[name/text()=$u and password/text()=$p]", u=user, p=password)
    return {"ok": bool(found)}
