from django.shortcuts import render

from .models import Ticket


def tickets(request):
    owner = request.GET["owner"]
    qs = Ticket.objects.extra(where=[f"owner_name = '{owner}'"])
    return render(request, "tickets.html", {"tickets": qs})
