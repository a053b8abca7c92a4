from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "sweetspot.desk"
    label = "desk"

    def ready(self) -> None:
        # Tickets, time and visits feed dispatch, the promise check and the charts
        # (a save or delete gives the topic a new token: core.engine_cache).
        from sweetspot.core import engine_cache  # noqa: PLC0415 (models must be loaded first)

        engine_cache.watch("desk.Ticket", "tickets")
        engine_cache.watch("desk.TimeEntry", "time")
        engine_cache.watch("desk.Visit", "visits")
