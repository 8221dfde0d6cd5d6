from django.urls import path

from coso.assignments import views

app_name = "assignments"
urlpatterns = [
    path("", views.vacancies, name="vacancies"),
    path("ung-vien/", views.candidates, name="candidates"),
    path("ghep/", views.match, name="match"),
    path("luan-chuyen/", views.rotation, name="rotation"),
    path("quyet-dinh/", views.decisions, name="decisions"),
    path("nguoi/<int:pk>/", views.person, name="person"),
]
