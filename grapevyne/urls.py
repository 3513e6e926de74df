from django.contrib import admin
from django.urls import include, path

from grapevyne import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The mail provider's tracking webhook (authenticated by anymail).
    path("anymail/", include("anymail.urls")),
    path("matching/", include("matching.urls")),
    path("intros/", include("introductions.urls")),
    path("", include("profiles.urls")),
]
