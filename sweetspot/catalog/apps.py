from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "sweetspot.catalog"
    label = "catalog"

    def ready(self) -> None:
        # Services and their requirements feed dispatch and the promise check
        # (a save or delete gives the topic a new token: core.engine_cache).
        from sweetspot.core import engine_cache  # noqa: PLC0415 (models must be loaded first)

        engine_cache.watch("catalog.Service", "catalog")
        engine_cache.watch("catalog.ServiceRequirement", "catalog")
