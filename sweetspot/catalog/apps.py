from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "sweetspot.catalog"
    label = "catalog"
