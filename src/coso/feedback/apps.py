from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "coso.feedback"
    label = "feedback"
