from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


@router.get("/welcome", response_class=HTMLResponse)
def welcome(name: str = "guest"):
    return HTMLResponse(f"<html><body><h1>Welcome, {name}</h1></body></html>")


@router.get("/lookup", response_class=HTMLResponse)
def lookup(request: Request, q: str = ""):
    return templates.TemplateResponse(request, "lookup.html", {"query": q})


@router.get("/login")
def login_page(request: Request, token: str = ""):
    response = templates.TemplateResponse(request, "login.html", {})
    if token:
        response.set_cookie("inventory_session", token, httponly=True)
    return response
