from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "coso.planning"
    label = "planning"
    verbose_name = "Quy hoạch, đào tạo cán bộ"
