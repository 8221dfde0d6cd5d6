from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "coso.workforce"
    label = "workforce"
