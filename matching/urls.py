from django.urls import path

from . import views

urlpatterns = [
    path("resume/<str:token>/", views.link_resume, name="matching_resume"),
]
