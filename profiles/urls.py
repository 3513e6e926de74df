from django.urls import path

from .views import account, dashboard, directory, goals, interests, onboarding, profile

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("welcome/", onboarding.onboarding_start, name="onboarding"),
    path("welcome/about/", onboarding.onboarding_about, name="onboarding_about"),
    path(
        "welcome/interests/",
        onboarding.onboarding_interests,
        name="onboarding_interests",
    ),
    path("welcome/goals/", onboarding.onboarding_goals, name="onboarding_goals"),
    path("profile/", profile.profile_edit, name="profile_edit"),
    path(
        "profile/preferences/", profile.profile_preferences, name="profile_preferences"
    ),
    path("profile/privacy/", profile.profile_privacy, name="profile_privacy"),
    path("pause/", dashboard.pause, name="pause"),
    path("resume/", dashboard.resume, name="resume"),
    path("account/export/", account.data_export, name="data_export"),
    path("account/delete/", account.account_delete, name="account_delete"),
    path("account/deleted/", account.account_deleted, name="account_deleted"),
    path("profile/interests/", profile.profile_interests, name="profile_interests"),
    path("profile/goals/", profile.profile_goals, name="profile_goals"),
    path("interests/search/", interests.interest_search, name="interest_search"),
    path("interests/add/", interests.interest_add, name="interest_add"),
    path("interests/remove/", interests.interest_remove, name="interest_remove"),
    path("interests/suggest/", interests.interest_suggest, name="interest_suggest"),
    path("interests/<slug:slug>/", directory.interest_detail, name="interest_detail"),
    path("goals/add/", goals.goal_add, name="goal_add"),
    path("goals/<int:pk>/remove/", goals.goal_remove, name="goal_remove"),
    path("members/", directory.directory, name="directory"),
    path("members/<int:pk>/", directory.member_detail, name="member_detail"),
]
