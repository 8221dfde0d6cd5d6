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
