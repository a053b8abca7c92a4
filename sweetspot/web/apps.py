from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sweetspot.web"
    label = "web"
