from django.contrib.auth import views as auth_views
from django.urls import path

from coso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("unlock/", views.unlock_request, name="unlock"),
    path("unlock/<str:token>/", views.unlock_confirm, name="unlock_confirm"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/enrol/", views.otp_enrol, name="otp_enrol"),
    path("security/", views.security, name="security"),
    path("me/", views.me, name="me"),
    path("me/password/", views.me_password, name="me_password"),
    path("me/sessions/end-others/", views.me_sessions_end_others, name="me_sessions_end_others"),
    path("me/sessions/<str:sid>/end/", views.me_session_end, name="me_session_end"),
    path("password/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("password/done/", views.password_set_done, name="password_set_done"),
    path("password/forgot/", views.forgot, name="forgot"),
    path("register/", views.signup, name="signup"),
    path("register/verify/", views.signup_verify, name="signup_verify"),
    path("staff/", views.staff_list_view, name="staff_list"),
    path("staff/new/", views.staff_create_view, name="staff_create"),
    path("staff/import/", views.staff_import_view, name="staff_import"),
    path("staff/import/template.xlsx", views.staff_import_template, name="staff_import_template"),
    path("staff/from-register/", views.staff_from_register, name="staff_from_register"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:pk>/password/", views.staff_password, name="staff_password"),
    path("staff/<int:pk>/otp-reset/", views.staff_otp_reset, name="staff_otp_reset"),
    path("delegations/", views.delegation_list_view, name="delegations"),
    path("delegations/new/", views.delegation_create_view, name="delegation_create"),
    path("delegations/<int:pk>/end/", views.delegation_end_view, name="delegation_end"),
]
