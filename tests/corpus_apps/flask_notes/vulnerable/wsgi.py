"""Entry point for gunicorn (`gunicorn wsgi:app`) and for local development."""

from notes import create_app

app = create_app()

if __name__ == "__main__":
    app.run(debug=True)
