from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with one of OWASP's recommended settings: 7 MiB, 5 passes, 1 lane.

    OWASP lists five settings of equal strength that trade memory for passes;
    this one needs the least memory per login and the least time. Django's default
    (100 MiB, 8 lanes) and its PBKDF2 (1.5 million rounds) each cost a login many
    times as much CPU, during which the worker serves nobody else (the figures are
    in docs/history.md). Hashes made with other parameters or hashers are
    re-encoded at the next login.
    """

    time_cost = 5
    memory_cost = 7 * 1024
    parallelism = 1
