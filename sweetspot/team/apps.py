from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "sweetspot.team"
    label = "team"
