import ldap
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/directory/by-mail")
def by_mail():
    mail = request.args.get("mail", "")
    conn = ldap.initialize("ldap://ldap.example.com")
    query = "(mail={})".format(mail)
    res = conn.search_ext_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, query)
    return jsonify([dn for dn, _ in res])
