"""Entry point for gunicorn (`gunicorn wsgi:app`) and for local development."""

import os

from notes import create_app

app = create_app()

if __name__ == "__main__":
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
