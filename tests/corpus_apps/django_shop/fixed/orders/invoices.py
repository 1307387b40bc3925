"""Invoices are rendered to PDF with wkhtmltopdf."""

import subprocess

from django.conf import settings


def render_invoice(order_id, html_path, title):
    target = settings.INVOICE_ROOT / f"{order_id}.pdf"
    subprocess.check_output(["wkhtmltopdf", "--title", title, str(html_path), str(target)])
    return target
