import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, request
app = Flask(__name__)

def build_filter(user):
    return "(&(objectClass=person)(uid=%s))" % escape_filter_chars(user)

@app.get("/u")
def u():
    conn = ldap.initialize("ldap://x")
    return {"n": len(conn.search_s("dc=x", ldap.SCOPE_SUBTREE, build_filter(request.args["u"])))}
