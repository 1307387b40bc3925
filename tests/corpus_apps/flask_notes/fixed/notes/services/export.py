"""Export a note to PDF with pandoc."""

import os
import subprocess

from flask import current_app


def export_note(note_id, title):
    folder = current_app.config["EXPORT_FOLDER"]
    source = os.path.join(folder, f"{note_id}.md")
    target = os.path.join(folder, f"{note_id}.pdf")
    subprocess.run(["pandoc", "--metadata", f"title={title}", "-o", target, source], check=True)
    return target
