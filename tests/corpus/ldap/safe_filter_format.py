import ldap
from fastapi import FastAPI
from ldap.filter import filter_format

app = FastAPI()


@app.get("/groups/members")
def members(group: str):
    ld = ldap.initialize("ldap://ldap.internal")
    flt = filter_format("(&(objectClass=groupOfNames)(cn=%s))", [group])
    entries = ld.search_s("ou=groups,dc=internal", ldap.SCOPE_ONELEVEL, flt)
    return {"entries": [dn for dn, _ in entries]}
