from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "coso.indices"
    verbose_name = "Chỉ số"
