from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "introductions"

    def ready(self) -> None:
        from anymail.signals import tracking

        from profiles import connections, panels
        from profiles import outbox as profiles_outbox

        from . import outbox, selectors, services, webhooks

        # The one outbox lives here; profiles (allauth's emails) reaches it through
        # this registration instead of importing introductions.
        profiles_outbox.register(outbox.outbox_enqueue_account_email)
        outbox.register_undeliverable_handler(services.intros_close_for_undeliverable)
        connections.register(selectors.connected_member_ids)
        panels.register(panels.DASHBOARD, "introductions/_dashboard_panel.html")
        panels.register(panels.MEMBER_PAGE, "introductions/_safety_actions.html")
        tracking.connect(webhooks.on_tracking_event, dispatch_uid="grapevyne-outbox")
