from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"

    def ready(self) -> None:
        from profiles import panels

        # Under introductions' section of the dashboard (INSTALLED_APPS order).
        panels.register(panels.DASHBOARD, "matching/_dashboard_panel.html")
