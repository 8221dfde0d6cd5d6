from django.urls import path

from coso.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.index, name="index"),
    path("thay-doi/", views.diff, name="diff"),
    path("<str:key>/", views.detail, name="detail"),
    path("<str:key>/<int:pk>/huy/", views.withdraw, name="withdraw"),
]
