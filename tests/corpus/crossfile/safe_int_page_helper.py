from django.db import connection
from django.http import JsonResponse

from helpers.safe import page_number


def articles(request):
    page = page_number(request.GET.get("page"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, title FROM articles LIMIT 20 OFFSET {(page - 1) * 20}")
        return JsonResponse({"rows": cursor.fetchall()})
