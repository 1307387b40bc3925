from flask import Flask, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("/srv/app/users.xml")


@app.post("/xml-login")
def xml_login():
    user = request.form["user"]
    password = request.form["password"]
    query = f"//user[name/text()='{user}' and password/text()='{password}']"
    found = USERS.xpath(query)
    return {"ok": bool(found)}
