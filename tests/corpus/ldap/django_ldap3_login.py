from django.http import JsonResponse
from ldap3 import ALL, Connection, Server

server = Server("ldap://ldap.corp.local", get_info=ALL)


def check_user(request):
    username = request.POST["username"]
    conn = Connection(server, auto_bind=True)
    conn.search("dc=corp,dc=local", f"(&(objectClass=person)(sAMAccountName={username}))",
                attributes=["memberOf"])
    return JsonResponse({"groups": [str(e.memberOf) for e in conn.entries]})
