from django.urls import path

from coso.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list_view, name="list"),
]
