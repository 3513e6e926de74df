from django.contrib import admin
from django.urls import include, path

from grapevyne import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("intros/", include("introductions.urls")),
    path("", include("profiles.urls")),
]
