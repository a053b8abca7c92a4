from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "sweetspot.desk"
    label = "desk"
