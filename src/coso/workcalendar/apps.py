from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "coso.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"
