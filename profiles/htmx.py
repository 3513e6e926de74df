"""What an answer to htmx tells the page besides its HTML.

Views that answer htmx with a fragment and a plain request with a page send
`Vary: HX-Request`, so that no cache (the browser's Back included) serves one for
the other. An in-page update is read out by static/js/interactions.js in one
polite live region: the swapped HTML itself is not a live region, which would
read a whole list out after every change.
"""

from django.http import HttpResponse
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

varies_on_htmx = vary_on_headers("HX-Request")


def announce(response: HttpResponse, message: str) -> HttpResponse:
    """Have the page announce `message` once the swap is done."""
    return trigger_client_event(response, "announce", {"message": message})
