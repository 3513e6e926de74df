from django.urls import path

from . import learning_views, views

app_name = "insights"

urlpatterns = [
    path("", views.insights_page, name="page"),
    path("charts/<slug:name>.svg", views.insights_chart, name="chart"),
    path("<slug:name>.csv", views.insights_csv, name="csv"),
    path("learning/", learning_views.learning_page, name="learning"),
    path(
        "learning/charts/<slug:name>.svg",
        learning_views.learning_chart,
        name="learning_chart",
    ),
    path("learning/<slug:name>.csv", learning_views.learning_csv, name="learning_csv"),
    path(
        "learning/weights/<int:pk>/dry-run/",
        learning_views.weights_dry_run,
        name="weights_dry_run",
    ),
    path(
        "learning/weights/<int:pk>/adopt/",
        learning_views.weights_adopt,
        name="weights_adopt",
    ),
    path(
        "learning/weights/rollback/",
        learning_views.weights_rollback,
        name="weights_rollback",
    ),
]
