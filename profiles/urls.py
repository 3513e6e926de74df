from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("welcome/", views.onboarding_start, name="onboarding"),
    path("welcome/about/", views.onboarding_about, name="onboarding_about"),
    path("welcome/interests/", views.onboarding_interests, name="onboarding_interests"),
    path("welcome/goals/", views.onboarding_goals, name="onboarding_goals"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/preferences/", views.profile_preferences, name="profile_preferences"),
    path("profile/privacy/", views.profile_privacy, name="profile_privacy"),
    path("pause/", views.pause, name="pause"),
    path("resume/", views.resume, name="resume"),
    path("account/export/", views.data_export, name="data_export"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("account/deleted/", views.account_deleted, name="account_deleted"),
    path("profile/interests/", views.profile_interests, name="profile_interests"),
    path("profile/goals/", views.profile_goals, name="profile_goals"),
    path("interests/search/", views.interest_search, name="interest_search"),
    path("interests/add/", views.interest_add, name="interest_add"),
    path("interests/remove/", views.interest_remove, name="interest_remove"),
    path("interests/suggest/", views.interest_suggest, name="interest_suggest"),
    path("interests/<slug:slug>/", views.interest_detail, name="interest_detail"),
    path("goals/add/", views.goal_add, name="goal_add"),
    path("goals/<int:pk>/remove/", views.goal_remove, name="goal_remove"),
    path("members/", views.directory, name="directory"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
]
