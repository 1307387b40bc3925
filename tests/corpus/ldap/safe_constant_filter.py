import ldap
from flask import Flask, request

app = Flask(__name__)


@app.get("/directory/admins")
def admins():
    requested = request.args.get("group", "admins")
    group = "admins"
    conn = ldap.initialize("ldap://ldap.example.com")
    res = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(cn=" + group + ")")
    return {"requested": requested, "count": len(res)}
