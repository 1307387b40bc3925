"""A Django single-object view's object (DetailView, UpdateView, DeleteView) is read from
the database and handed to its template as `object` and as its `context_object_name`;
what `get_context_data` builds of `self.object` is too. A template rendering such a
value without escaping is stored XSS, reported at the template line (medium: whether
users can write it, the code does not say). Beside them, the same values escaped, and
a list view's object list that the template escapes."""

from __future__ import annotations

from assay.api import scan
from tests.helpers import GitRepo

VIEWS = '''\
from django.views.generic import DetailView, ListView

from ledger.models import Category, Expense
from ledger.rendering import category_badge, render_notes


class CategoryView(DetailView):
    model = Category
    template_name = "ledger/category.html"
    context_object_name = "category"


class ExpenseView(DetailView):
    template_name = "ledger/expense.html"

    def get_queryset(self):
        return Expense.objects.filter(owner=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["notes_html"] = render_notes(self.object.notes)
        ctx["badge"] = category_badge(self.object.category)
        return ctx


class CategoryList(ListView):
    model = Category
    template_name = "ledger/categories.html"
    context_object_name = "categories"
'''

RENDERING = '''\
from django.utils.html import format_html


def render_notes(text):
    return "<p>" + text.replace("\\n\\n", "</p><p>") + "</p>"


def category_badge(category):
    return format_html('<span class="badge">{}</span>', category.name)
'''

TEMPLATES = {
    "ledger/templates/ledger/category.html": (
        "<h1>{{ category.name }}</h1>\n"
        "{% autoescape off %}{{ category.description }}{% endautoescape %}\n"),
    "ledger/templates/ledger/expense.html": (
        "<h1>{{ object.title }}</h1>\n"
        "<div>{{ notes_html|safe }}</div>\n"
        "<p>{{ object.memo|safe }}</p>\n"
        "{{ badge|safe }}\n"),
    "ledger/templates/ledger/categories.html": (
        "{% for c in categories %}<li>{{ c.name }}</li>{% endfor %}\n"),
}


def test_a_single_object_views_object_is_stored_data_of_its_template(repo: GitRepo) -> None:
    # the context object's description with autoescaping off (category.html:2), the
    # notes rendered of `self.object` (expense.html:2) and the object's memo marked safe
    # (expense.html:3); the escaped names and titles, the badge the project's helper
    # builds with format_html (expense.html:4) and the list are not
    for path, text in {"ledger/__init__.py": "", "ledger/views.py": VIEWS,
                       "ledger/models.py": "Category = Expense = None\n",
                       "ledger/rendering.py": RENDERING,
                       **TEMPLATES}.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.path.rsplit("/", 1)[-1], f.span.start_line, f.severity.value)
                   for f in run.findings)
    assert found == [("category.html", 2, "medium"), ("expense.html", 2, "medium"),
                     ("expense.html", 3, "medium")]


REPOSITORY = '''\
from sqlalchemy.orm import Session

from shelf.models import Image


class ImageRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, image_id: int):
        return self.session.get(Image, image_id)


class ImageService:
    def __init__(self, images: ImageRepository):
        self.images = images

    def get(self, image_id: int):
        image = self.images.get(image_id)
        if image is None:
            raise LookupError(image_id)
        return image

    def settings(self):
        return {"theme": "dark"}.get("theme", "light")
'''

ROUTES = '''\
from flask import Flask, render_template

from shelf.db import session
from shelf.services import ImageRepository, ImageService

app = Flask(__name__)


@app.get("/images/<int:image_id>")
def image_detail(image_id):
    image = ImageService(ImageRepository(session)).get(image_id)
    return render_template("image.html", image=image)


@app.get("/theme")
def theme():
    return render_template("theme.html", theme=ImageService(ImageRepository(session)).settings())
'''


def test_a_row_a_service_gets_from_its_repository_is_stored_data(repo: GitRepo) -> None:
    # SQLAlchemy's `session.get(Image, id)` read by a repository, through the service's
    # `self.images.get(...)`, reaches `|safe` (image.html:2); a dict's `get` (theme) is
    # no row
    for path, text in {"shelf/__init__.py": "", "shelf/models.py": "Image = None\n",
                       "shelf/db.py": "session = None\n", "shelf/services.py": REPOSITORY,
                       "shelf/routes.py": ROUTES,
                       "shelf/templates/image.html": "<h1>{{ image.name }}</h1>\n"
                                                     "<div>{{ image.description|safe }}</div>\n",
                       "shelf/templates/theme.html": "<body class=\"{{ theme|safe }}\">\n",
                       }.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.path.rsplit("/", 1)[-1], f.span.start_line, f.severity.value)
                   for f in run.findings)
    assert found == [("image.html", 2, "medium")]
