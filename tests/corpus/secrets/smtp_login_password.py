import smtplib
from email.message import EmailMessage


def send_report(to: str, body: str) -> None:
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = "Daily report"
    msg.set_content(body)
    with smtplib.SMTP("smtp.example.com", 587) as smtp:
        smtp.starttls()
        smtp.login("reports@example.com", "R3p0rts!Mail")
        smtp.send_message(msg)
