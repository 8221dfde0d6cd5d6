from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "coso.funding"
    label = "funding"
