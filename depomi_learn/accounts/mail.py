"""Outgoing email over SMTP (DEPOMI_SMTP_* settings); nothing is sent while no host is set."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server."""


def mail_configured() -> bool:
    return bool(current_app.config["SMTP_HOST"])


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to `to`; raise MailError when the server refuses or is away."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["SMTP_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="depomi-learn")
    message.set_content(body)
    security = config["SMTP_SECURITY"]
    try:
        server: smtplib.SMTP
        if security == "tls":
            server = smtplib.SMTP_SSL(
                config["SMTP_HOST"],
                config["SMTP_PORT"],
                timeout=15,
                context=ssl.create_default_context(),
            )
        else:
            server = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config["SMTP_USER"]:
                server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("mail to %s not sent: %s", to, error)
        raise MailError(str(error)) from error
