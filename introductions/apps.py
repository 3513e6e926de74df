from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "introductions"
