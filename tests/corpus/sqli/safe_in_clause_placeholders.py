from django.db import connection
from django.http import JsonResponse

def ids(request):
    wanted = request.GET.getlist("id")
    placeholders = ",".join(["%s"] * len(wanted))
    with connection.cursor() as c:
        c.execute(f"SELECT * FROM t WHERE id IN ({placeholders})", wanted)
        return JsonResponse({"rows": c.fetchall()})
