from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "coso.dossiers"
    label = "dossiers"
