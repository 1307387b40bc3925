"""Export a note to PDF with pandoc."""

import os
import subprocess

from flask import current_app


def export_note(note_id, title):
    folder = current_app.config["EXPORT_FOLDER"]
    source = os.path.join(folder, f"{note_id}.md")
    target = os.path.join(folder, f"{note_id}.pdf")
    subprocess.run(f"pandoc --metadata title='{title}' -o {target} {source}", shell=True, check=True)
    return target
