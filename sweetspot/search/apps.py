from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "sweetspot.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from . import index  # noqa: PLC0415 (the app registry must be ready)

        # On SQLite a later migration that rebuilds desk_ticket drops its triggers: put them
        # back (and refill the index) after every migrate.
        post_migrate.connect(index.after_migrate, sender=self)
