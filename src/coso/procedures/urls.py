from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list_view, name="list"),
    path("manage/", views.admin_list_view, name="admin"),
    path("manage/import/", views.import_view, name="import"),
    path("manage/export.<str:fmt>", views.export_view, name="export"),
    path("manage/phan-cap/", views.decentralisation_view, name="decentralisations"),
    path("manage/versions/<int:pk>/steps/", views.admin_steps_view, name="admin_steps"),
    path("manage/<str:code>/", views.admin_detail_view, name="admin_detail"),
    path("<str:code>/", views.procedure_detail_view, name="detail"),
]
