import keyring
import smtplib


def send(msg) -> None:
    password = keyring.get_password("reports-mailer", "reports@example.com")
    with smtplib.SMTP("smtp.example.com", 587) as smtp:
        smtp.starttls()
        smtp.login("reports@example.com", password)
        smtp.send_message(msg)
