"""Request helpers shared by the views."""

from flask import request


def get_param(name, default=""):
    return request.args.get(name, default)


def json_field(name):
    payload = request.get_json(silent=True) or {}
    return payload.get(name)


def header(name):
    value = request.headers.get(name)
    return value.strip() if value else ""


def query_value(req, name):
    return req.GET.get(name, "")


class RequestData:
    def __init__(self, req):
        self.req = req

    def field(self, name):
        return self.req.POST.get(name)
