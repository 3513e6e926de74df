from django.urls import path

from . import tokens, views

urlpatterns = [
    path(
        "accept/<str:token>/",
        views.link_answer,
        {"action": tokens.ACCEPT},
        name="intro_link_accept",
    ),
    path(
        "decline/<str:token>/",
        views.link_answer,
        {"action": tokens.DECLINE},
        name="intro_link_decline",
    ),
    path(
        "feedback/<str:token>/<str:answer>/",
        views.link_feedback,
        name="intro_link_feedback",
    ),
    path("pause/<str:token>/", views.link_pause, name="intro_link_pause"),
    path("request/<int:pk>/", views.intro_request, name="intro_request"),
    path("<int:pk>/accept/", views.intro_accept, name="intro_accept"),
    path("<int:pk>/decline/", views.intro_decline, name="intro_decline"),
]

urlpatterns += [
    path("members/<int:pk>/block/", views.member_block, name="member_block"),
    path("members/<int:pk>/unblock/", views.member_unblock, name="member_unblock"),
    path("members/<int:pk>/report/", views.member_report, name="member_report"),
    path(
        "members/<int:pk>/report/thanks/",
        views.member_report_done,
        name="member_report_done",
    ),
]
