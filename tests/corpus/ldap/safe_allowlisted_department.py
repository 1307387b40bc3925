import ldap
from flask import Flask, abort, request

app = Flask(__name__)
DEPARTMENTS = {"engineering", "sales", "support"}


@app.get("/directory/department")
def department():
    dept = request.args.get("dept", "")
    if dept not in DEPARTMENTS:
        abort(404)
    conn = ldap.initialize("ldap://ldap.example.com")
    res = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(ou={dept})", ["cn"])
    return {"people": len(res)}
