from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "sweetspot.mail"
    label = "mail"
    verbose_name = "Mail"

    def ready(self) -> None:
        # Desk sends signals on commit; the mail app turns them into notifications.
        from .notify import connect  # noqa: PLC0415 (models must be loaded first)

        connect()
