from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "sweetspot.agreements"
    label = "agreements"
