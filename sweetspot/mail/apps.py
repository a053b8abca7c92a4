from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "sweetspot.mail"
    label = "mail"
    verbose_name = "Mail"

    def ready(self) -> None:
        # Desk sends signals on commit; the mail app turns them into notifications.
        from .notify import connect  # noqa: PLC0415 (models must be loaded first)

        connect()
        # Inputs of the cached on-call tag (core.engine_cache).
        from sweetspot.core import engine_cache  # noqa: PLC0415 (models must be loaded first)

        engine_cache.watch("mail.MailSettings", "rota", singleton=True)
        engine_cache.watch("mail.RotaMember", "rota")
        engine_cache.watch("mail.RotaSwap", "rota")
