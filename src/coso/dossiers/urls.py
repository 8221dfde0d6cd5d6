from django.urls import path

from coso.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("my/", views.my_dossiers, name="my"),
    path("submit/", views.submit, name="submit"),
    path("intake/", views.intake, name="intake"),
    path("inbox/", views.inbox, name="inbox"),
    path("register/", views.register, name="register"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/forms/<slug:kind>.pdf", views.form_pdf, name="form_pdf"),
    path("<int:pk>/attachments/<int:att_id>/", views.attachment, name="attachment"),
]
