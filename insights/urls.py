from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.insights_page, name="page"),
    path("charts/<slug:name>.svg", views.insights_chart, name="chart"),
    path("<slug:name>.csv", views.insights_csv, name="csv"),
]
