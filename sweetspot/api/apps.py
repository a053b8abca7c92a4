from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sweetspot.api"
    label = "api"
