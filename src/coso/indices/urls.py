from django.urls import path

from coso.indices import views

app_name = "indices"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.records, name="records"),
    path("cong-khai/", views.public, name="public"),
    path("viec-cua-toi/", views.clerk_home, name="clerk_home"),
    path("so-lieu-tinh/", views.province_figures, name="province_figures"),
]
