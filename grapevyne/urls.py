from django.contrib import admin
from django.urls import include, path

from grapevyne import health, pages

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("about/", pages.about, name="about"),
    path("privacy/", pages.privacy, name="privacy"),
    path("terms/", pages.terms, name="terms"),
    path("contact/", pages.contact, name="contact"),
    path("styleguide/", pages.styleguide, name="styleguide"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The mail provider's tracking webhook (authenticated by anymail).
    path("anymail/", include("anymail.urls")),
    path("matching/", include("matching.urls")),
    path("intros/", include("introductions.urls")),
    path("insights/", include("insights.urls")),
    path("", include("profiles.urls")),
]
