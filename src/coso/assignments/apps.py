from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "coso.assignments"
    label = "assignments"
    verbose_name = "Bố trí, luân chuyển cán bộ"
