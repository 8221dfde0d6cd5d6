from django.urls import path

from coso.tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("van-ban/", views.directive_list, name="directives"),
    path("van-ban/moi/", views.directive_new, name="directive_new"),
    path("van-ban/<int:pk>/", views.directive_detail, name="directive"),
    path("van-ban/<int:pk>/tep/", views.directive_file, name="directive_file"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/bao-cao/", views.task_report, name="task_report"),
    path("<int:pk>/gia-han/", views.task_extension, name="task_extension"),
    path("<int:pk>/quyet-dinh-gia-han/", views.task_decide, name="task_decide"),
    path("<int:pk>/dung/", views.task_cancel, name="task_cancel"),
    path("<int:pk>/chu-tri/", views.task_assignee, name="task_assignee"),
    path("tep/<int:pk>/", views.attachment, name="attachment"),
    path("bao-cao/", views.report, name="report"),
]
