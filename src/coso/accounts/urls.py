from django.contrib.auth import views as auth_views
from django.urls import path

from coso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("unlock/", views.unlock_request, name="unlock"),
    path("unlock/<str:token>/", views.unlock_confirm, name="unlock_confirm"),
]
