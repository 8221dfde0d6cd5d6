from django.urls import path

from coso.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.people, name="people"),
    path("nguoi/<int:pk>/", views.person_detail, name="person"),
    path("nguoi/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("nhap/", views.import_page, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("ra-soat/", views.review_page, name="review"),
    path("ra-soat/bao-cao.xlsx", views.review_excel, name="review_excel"),
    path("ra-soat/bao-cao.pdf", views.review_pdf, name="review_pdf"),
    path("danh-gia/", views.evaluations, name="evaluations"),
    path("danh-gia/mo/<int:person_pk>/", views.evaluation_open, name="evaluation_open"),
    path("danh-gia/<int:pk>/", views.evaluation_detail, name="evaluation"),
]
