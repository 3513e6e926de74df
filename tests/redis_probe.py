"""Run on its own by tests/test_redis_dbs.py (its name keeps it out of the suite):
prints the Redis databases the suite's settings chose."""


def test_print_the_redis_urls(settings):
    print(f"broker={settings.CELERY_BROKER_URL}")
    print(f"results={settings.CELERY_RESULT_BACKEND}")
    print(f"cache={settings.CACHES['default']['LOCATION']}")
