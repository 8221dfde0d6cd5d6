from django.urls import path

from coso.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.lists, name="lists"),
    path("danh-sach/<int:pk>/", views.list_detail, name="list"),
    path("ra-soat/", views.review, name="review"),
    path("dao-tao/", views.training, name="training"),
    path("dao-tao/ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
    path("sau-dai-hoc/", views.postgrad_list, name="postgrad_list"),
    path("sau-dai-hoc/<int:pk>/", views.postgrad_detail, name="postgrad"),
    path("nghi-viec/", views.leaving, name="leaving"),
    path("doi-du/", views.surplus, name="surplus"),
]
