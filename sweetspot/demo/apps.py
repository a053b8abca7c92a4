from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo firm (Brightline IT): composes every app's seed, so it sits above them all."""

    name = "sweetspot.demo"
    label = "demo"
