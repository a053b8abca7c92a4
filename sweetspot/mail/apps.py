from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "sweetspot.mail"
    label = "mail"
    verbose_name = "Mail"
