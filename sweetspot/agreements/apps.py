from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "sweetspot.agreements"
    label = "agreements"

    def ready(self) -> None:
        # Agreements (named after their company) feed the promise check
        # (a save or delete gives the topic a new token: core.engine_cache).
        from sweetspot.core import engine_cache  # noqa: PLC0415 (models must be loaded first)

        # (A plan's services are set by its services right after the plan is saved, in the
        # same transaction, so the plan's own bump covers them.)
        engine_cache.watch("agreements.Plan", "agreements")
        engine_cache.watch("agreements.Agreement", "agreements")
        engine_cache.watch("clients.Company", "agreements")
