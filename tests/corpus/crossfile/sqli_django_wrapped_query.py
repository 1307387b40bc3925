from django.db import connection
from django.http import JsonResponse

from helpers.params import query_value


def orders(request):
    status = query_value(request, "status")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orders WHERE status = '" + status + "'")
        return JsonResponse({"ids": [r[0] for r in cursor.fetchall()]})
