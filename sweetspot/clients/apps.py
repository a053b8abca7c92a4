from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "sweetspot.clients"
    label = "clients"
