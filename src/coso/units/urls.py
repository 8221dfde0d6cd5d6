from django.urls import path

from coso.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list_view, name="list"),
    path("communes/<str:code>/", views.commune_detail, name="commune_detail"),
    path("communes/<str:code>/edit/", views.commune_edit, name="commune_edit"),
    path("villages/", views.village_list_view, name="village_list"),
    path("villages/export.xlsx", views.village_export, name="village_export"),
    path("villages/new/", views.village_create, name="village_create"),
    path("villages/import/", views.village_import, name="village_import"),
    path("villages/import/template.xlsx", views.village_template, name="village_template"),
    path("villages/<int:pk>/edit/", views.village_edit, name="village_edit"),
    path("reorganisations/", views.reorganisation_list_view, name="reorganisation_list"),
    path("reorganisations/new/", views.reorganisation_new, name="reorganisation_new"),
    path("reorganisations/<int:pk>/", views.reorganisation_detail, name="reorganisation_detail"),
    path("convert/", views.convert_address, name="convert"),
    path("convert/suggest/", views.convert_suggest, name="convert_suggest"),
]
