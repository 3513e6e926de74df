"""Every email goes through the outbox: no code path sends mail any other way.

Two guards. Statically, the source of every app is walked with `ast` for the ways
Django can send mail (send_mail, send_mass_mail, mail_admins, mail_managers,
get_connection, a backend's send_messages, an EmailMessage's send()); the only
allowed place is the outbox's sender. At run time, the suite's mail backend
(tests/mail_guard.py) refuses any message that does not come from that sender.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, send_mail

from tests.mail_guard import SentOutsideTheOutbox

APPS = ("profiles", "introductions", "matching", "grapevyne", "bench")
# The one sender, and the development backend (a backend passes messages on to
# the backends it wraps).
ALLOWED = {
    ("introductions/outbox/sending.py", "outbox_send"),
    ("grapevyne/mail.py", "send_messages"),
}
SENDING_FUNCTIONS = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "get_connection",
    "send_messages",
}


def _is_email_send(call: ast.Call) -> bool:
    """`x.send()` or `x.send(fail_silently=...)`: EmailMessage.send's signature.
    (A Django signal's send always names its sender, so it is not one of these.)"""
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "send"
        and not call.args
        and all(k.arg == "fail_silently" for k in call.keywords)
    )


def mail_sends(source: str, path: str) -> list[str]:
    """Where this module sends mail outside the allowed places: 'path:line name'."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            if (name in SENDING_FUNCTIONS or _is_email_send(node)) and (
                path,
                function,
            ) not in ALLOWED:
                found.append(f"{path}:{node.lineno} {name}")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source), "")
    return found


def _app_sources():
    base = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(base).as_posix(), path.read_text()


def test_no_code_path_sends_mail_outside_the_outbox():
    offenders = [
        where for path, source in _app_sources() for where in mail_sends(source, path)
    ]
    assert offenders == []


def test_the_walk_covers_the_outbox_sender_itself():
    paths = dict(_app_sources())
    assert "introductions/outbox/sending.py" in paths
    assert "message.send()" in paths["introductions/outbox/sending.py"]


@pytest.mark.parametrize(
    "code",
    [
        "def f():\n    send_mail('s', 'b', None, ['a@b.c'])\n",
        "def f():\n    mail.get_connection().send_messages([])\n",
        "def f():\n    mail_admins('s', 'b')\n",
        "def f(message):\n    message.send()\n",
        "def f(message):\n    message.send(fail_silently=True)\n",
        "def outbox_send(message):\n    message.send()\n",  # right name, wrong file
    ],
)
def test_the_walk_finds_each_way_of_sending(code):
    assert mail_sends(code, "matching/services/auto_pause.py") != []


def test_a_signal_send_is_not_taken_for_an_email():
    code = "def f(signal):\n    signal.send(sender=None, request=None)\n"
    assert mail_sends(code, "profiles/adapters.py") == []


def test_the_test_mailbox_refuses_mail_sent_around_the_outbox(db):
    with pytest.raises(SentOutsideTheOutbox):
        send_mail("Hello", "Body", None, ["someone@example.org"])
    with pytest.raises(SentOutsideTheOutbox):
        EmailMessage("Hello", "Body", to=["someone@example.org"]).send()
    assert mail.outbox == []
