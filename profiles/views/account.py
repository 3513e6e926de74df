"""Data rights: download everything we hold, or delete the account."""

import json

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import privacy
from ..http import MemberRequest
from ..ratelimits import member_rate_limit
from .common import own_profile


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def data_export(request: MemberRequest) -> HttpResponse:
    """Everything Grapevyne holds about the member, as a JSON file download."""
    data = privacy.member_export(profile=own_profile(request))
    filename = f"grapevyne-export-{timezone.localdate():%Y-%m-%d}.json"
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def account_delete(request: MemberRequest) -> HttpResponse:
    form = AccountDeleteForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.member_delete(user=request.user)
        logout(request)
        return redirect("account_deleted")
    return render(
        request,
        "profiles/account_delete.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "profiles/account_deleted.html")
