from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "coso.procedures"
    label = "procedures"
