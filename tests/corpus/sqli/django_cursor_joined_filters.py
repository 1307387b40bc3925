from django.db import connection
from django.http import JsonResponse


def report(request):
    filters = []
    for field in ("region", "team"):
        value = request.GET.get(field)
        if value:
            filters.append(f"{field} = '{value}'")
    where = " AND ".join(filters) or "1=1"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, total FROM sales WHERE " + where)
        rows = cursor.fetchall()
    return JsonResponse({"rows": rows})
