"""The page an emailed link shows when it cannot do what it says.

Every app's links (introductions' answers, matching's resume link) fail the same
ways, forged, expired, used or someone else's, on the same page; each app words
its own explanations: {kind: (HTTP status, title, text)}.
"""

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def link_problem(
    request: HttpRequest, kind: str, *, problems: Mapping[str, tuple[int, str, str]]
) -> HttpResponse:
    status, title, text = problems[kind]
    return render(
        request,
        "introductions/link_problem.html",
        {"title": title, "text": text, "kind": kind},
        status=status,
    )
