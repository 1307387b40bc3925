from django.db import connection
from django.http import JsonResponse


def audit_log(request):
    options = {"actor": request.GET.get("actor", ""), "table": "audit_events"}
    options["table"] = "audit_events_2024"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM " + options["table"] + " WHERE actor = %s", [options["actor"]]
        )
        return JsonResponse({"events": cursor.fetchall()})
