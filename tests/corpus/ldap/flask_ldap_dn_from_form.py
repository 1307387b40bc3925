from flask import Flask, request
from ldap3 import Connection, Server

app = Flask(__name__)


@app.post("/directory/disable")
def disable_account():
    account = request.form["account"]
    conn = Connection(Server("ldap://ldap.example.com"), "cn=admin,dc=example,dc=com",
                      "admin-password-from-vault", auto_bind=True)
    conn.search("uid=" + account + ",ou=people,dc=example,dc=com", "(objectClass=*)")
    return {"found": bool(conn.entries)}
