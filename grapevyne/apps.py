from django.contrib.admin.apps import AdminConfig


class GrapevyneAdminConfig(AdminConfig):
    """django.contrib.admin with the site of grapevyne/admin.py as admin.site."""

    default_site = "grapevyne.admin.GrapevyneAdminSite"
