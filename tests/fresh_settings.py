"""Settings computed afresh under the current environment, for tests of the settings
themselves."""

import importlib
import sys

import environ

import grapevyne

PACKAGE = "grapevyne.settings"


def _ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(f"{PACKAGE}.")


def fresh_settings() -> dict:
    """Every setting grapevyne.settings computes under os.environ as it is now.

    The settings package is imported again from scratch and then put back as it was,
    so the settings this test process runs under (and the modules other code holds)
    stay untouched.
    """
    saved = {name: module for name, module in sys.modules.items() if _ours(name)}
    for name in saved:
        del sys.modules[name]
    try:
        module = importlib.import_module(PACKAGE)
        return {name: getattr(module, name) for name in dir(module) if name.isupper()}
    finally:
        for name in [name for name in sys.modules if _ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
        if PACKAGE in saved:
            setattr(grapevyne, "settings", saved[PACKAGE])  # noqa: B010


def variables_read() -> set[str]:
    """The names of the environment variables the settings read, in this environment
    (a branch not taken, such as the SMTP backend's, reads its own only when taken)."""
    names: set[str] = set()

    class Recording(dict):
        def get(self, key, default=None):
            names.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            names.add(key)
            return super().__getitem__(key)

    real = environ.Env.ENVIRON
    environ.Env.ENVIRON = Recording(real)
    try:
        fresh_settings()
    finally:
        environ.Env.ENVIRON = real
    return names
