from django.urls import path

from coso.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.public_list_view, name="public_list"),
    path("submit/", views.submit_view, name="submit"),
    path("villages/", views.villages_partial, name="villages"),
    path("mine/", views.mine_view, name="mine"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/rate/", views.rate_view, name="rate"),
    path("<int:pk>/supplement/", views.supplement_view, name="supplement"),
    path("<int:pk>/report/", views.report_view, name="report"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("moderation/", views.moderation_view, name="moderation"),
    path("moderation/<int:pk>/", views.manage_view, name="manage"),
    path("moderation/<int:pk>/<slug:action>/", views.manage_action, name="action"),
]
