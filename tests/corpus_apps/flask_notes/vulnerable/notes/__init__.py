"""Notes: a small notebook for teams."""

from flask import Flask

from notes import settings
from notes.db import close_db


def create_app(overrides=None):
    """Application factory."""
    app = Flask(__name__)
    app.config.from_object(settings)
    if overrides:
        app.config.update(overrides)
    app.teardown_appcontext(close_db)

    from notes.api.routes import bp as api_bp
    from notes.views.admin import bp as admin_bp
    from notes.views.auth import bp as auth_bp
    from notes.views.files import bp as files_bp
    from notes.views.notes import bp as notes_bp

    for blueprint in (auth_bp, notes_bp, files_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)
    return app
