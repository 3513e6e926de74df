from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane.

    Django's default (100 MiB, 8 lanes) and its PBKDF2 (1.5 million rounds) each
    cost a login 120 to 350 ms of CPU on a 2-core server, and 1.7 s under load,
    during which the worker serves nobody else. This setting costs about 20 ms and
    stays memory-hard, which is what slows down cracking on GPUs. Hashes made with
    other parameters or hashers are re-encoded at the member's next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
