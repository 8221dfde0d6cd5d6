from django.urls import path

from coso.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.allocation_view, name="allocation"),
    path("rules/", views.rules_view, name="rules"),
    path("scenarios/", views.scenario_list_view, name="scenarios"),
    path("scenarios/<int:pk>/", views.scenario_detail_view, name="scenario"),
    path("scenarios/compare/", views.compare_view, name="compare"),
    path("villages/<int:pk>/distribution/", views.village_distribution_view, name="village_distribution"),
]
urlpatterns += [
    path("communes/<str:code>/pt-distribution/", views.commune_pt_distribution_view, name="commune_pt_distribution"),
    path("communes/<str:code>/profile/", views.commune_profile_view, name="commune_profile"),
]
