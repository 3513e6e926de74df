from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileBackend(BaseEmailBackend):
    """Development backend: print each message and keep a copy under file_path.

    The console shows mail as it happens; the files let a person (or a browser test)
    open the links in it later.
    """

    def __init__(self, *, file_path: str, alias: str | None = None, **kwargs) -> None:
        super().__init__(alias=alias, **kwargs)
        self._backends = [
            ConsoleBackend(alias=alias),
            FileBackend(alias=alias, file_path=file_path),
        ]

    def send_messages(self, email_messages) -> int:
        sent = 0
        for backend in self._backends:
            sent = backend.send_messages(email_messages)
        return sent
