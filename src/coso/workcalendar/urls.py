from django.urls import path

from coso.workcalendar import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.overrides_view, name="overrides"),
    path("<int:pk>/delete/", views.override_delete_view, name="override_delete"),
]
