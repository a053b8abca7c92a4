from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "sweetspot.billing"
    label = "billing"
    verbose_name = "Billing"
