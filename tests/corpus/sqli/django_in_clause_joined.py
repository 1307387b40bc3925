from django.db import connection
from django.http import JsonResponse

def ids(request):
    wanted = [v for v in request.GET.getlist("id")]
    sql = "SELECT * FROM t WHERE id IN (" + ",".join(wanted) + ")"
    with connection.cursor() as c:
        c.execute(sql)
        return JsonResponse({"rows": c.fetchall()})
