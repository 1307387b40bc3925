from django.db import connection
from django.http import JsonResponse

from helpers.safe import default_sort


def tickets(request):
    order = default_sort(request.GET.get("order"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tickets ORDER BY " + order)
        return JsonResponse({"ids": [r[0] for r in cursor.fetchall()]})
