from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sweetspot.core"
    label = "core"

    def ready(self) -> None:
        from . import security  # noqa: PLC0415 (models must be loaded before the receivers)

        security.connect()
        from . import engine_cache  # noqa: PLC0415 (models must be loaded first)

        engine_cache.watch("core.Firm", "firm", singleton=True)
