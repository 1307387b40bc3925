import ldap
from fastapi import FastAPI

app = FastAPI()


@app.get("/groups/members")
def members(group: str):
    ld = ldap.initialize("ldap://ldap.internal")
    flt = "(&(objectClass=groupOfNames)(cn=%s))" % group
    entries = ld.search_s("ou=groups,dc=internal", ldap.SCOPE_ONELEVEL, flt)
    return {"entries": [dn for dn, _ in entries]}
