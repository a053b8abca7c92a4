from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sweetspot.core"
    label = "core"
