from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "sweetspot.growth"
    label = "growth"
