"""`load_taxonomy`, which writes the curated vocabulary of
profiles.taxonomy_data idempotently.

`load_taxonomy` runs from the data migration (with the historical app registry) and
from `manage.py load_taxonomy` on every `make run`. Once a row exists it belongs to
the admins: re-running only creates what is missing and never changes a status, so a
tag an admin retired or merged stays retired.
"""

from django.utils.text import slugify

from .taxonomy_data import (
    CATEGORIES,
    GOAL_KINDS,
    RESOURCES,
    SPECIALTIES,
    TAG_ALIASES,
    TAGS,
)


def _models(apps_or_models):
    """Accept a migration's historical `apps` or the live `django.apps.apps`."""
    get = apps_or_models.get_model
    return (
        get("profiles", "Specialty"),
        get("profiles", "InterestCategory"),
        get("profiles", "Interest"),
        get("profiles", "GoalKind"),
        get("profiles", "Resource"),
    )


def _create_missing(model, slug: str, name: str, **fields) -> bool:
    """Create a row unless one with this slug or name exists; never touch old rows."""
    if model.objects.filter(slug=slug).exists():
        return False
    if model.objects.filter(name__iexact=name).exists():
        return False
    model.objects.create(slug=slug, name=name, **fields)
    return True


def load_taxonomy(apps_or_models) -> dict[str, int]:
    """Create every seed row that is missing and return how many of each were made.

    Existing rows are left exactly as the admins keep them: no status, name,
    description or position is overwritten, so a retired or merged tag is never
    brought back and an edited description survives the next `make run`. A row is
    also skipped when an active row of the same name exists under another slug,
    which keeps the case-insensitive name constraints satisfied.
    """
    Specialty, InterestCategory, Interest, GoalKind, Resource = _models(apps_or_models)
    created = {"specialties": _load_specialties(Specialty)}
    created["categories"] = _load_categories(InterestCategory)
    categories = {c.slug: c for c in InterestCategory.objects.all()}
    created["interests"] = _load_tags(Interest, categories)
    created["goal_kinds"] = _load_goal_kinds(GoalKind)
    created["resources"] = _load_resources(Resource, categories)
    return created


def _load_specialties(Specialty) -> int:
    created = 0
    for spec in SPECIALTIES:
        parent = None
        if spec.parent:
            parent = Specialty.objects.filter(slug=spec.parent).first()
        created += _create_missing(
            Specialty, slugify(spec.name), spec.name, parent=parent
        )
    return created


def _load_categories(InterestCategory) -> int:
    created = 0
    for position, cat in enumerate(CATEGORIES, start=1):
        created += _create_missing(
            InterestCategory,
            cat.slug,
            cat.name,
            description=cat.description,
            position=position * 10,
            is_wellbeing=cat.is_wellbeing,
        )
    return created


def _load_tags(Interest, categories: dict) -> int:
    created = 0
    # The migrations before the alias field run this loader too.
    has_aliases = any(f.name == "aliases" for f in Interest._meta.get_fields())
    for cat_slug, tags in TAGS.items():
        if cat_slug not in categories:  # an admin re-slugged it; theirs now
            continue
        for tag in tags:
            if Interest.objects.filter(slug=tag.slug).exists():
                continue
            if Interest.objects.filter(name__iexact=tag.name, status="active").exists():
                continue
            Interest.objects.create(
                slug=tag.slug,
                name=tag.name,
                description=tag.description,
                category=categories[cat_slug],
                sensitive=tag.sensitive,
                status="active",
                **({"aliases": _aliases(tag.name)} if has_aliases else {}),
            )
            created += 1
    return created


def _load_goal_kinds(GoalKind) -> int:
    created = 0
    for position, goal in enumerate(GOAL_KINDS, start=1):
        created += _create_missing(
            GoalKind,
            goal.slug,
            goal.name,
            description=goal.description,
            position=position * 10,
        )
    return created


def _load_resources(Resource, categories: dict) -> int:
    created = 0
    for cat_slug, links in RESOURCES.items():
        category = categories.get(cat_slug)
        if category is None:
            continue
        for position, link in enumerate(links, start=1):
            _, made = Resource.objects.get_or_create(
                category=category,
                title=link.title,
                defaults={
                    "url": link.url,
                    "phone": link.phone,
                    "description": link.description,
                    "position": position * 10,
                },
            )
            created += made
    return created


def seed_aliases(Interest) -> int:
    """Give the seeded tags that have no aliases the curated ones; how many got some.

    Run once by the migration that added aliases; tags created later get theirs
    from `load_taxonomy`. An admin's list, once there, is never replaced.
    """
    updated = 0
    for name in TAG_ALIASES:
        updated += Interest.objects.filter(slug=slugify(name), aliases=[]).update(
            aliases=_aliases(name)
        )
    return updated


def _aliases(name: str) -> list[str]:
    return list(dict.fromkeys(TAG_ALIASES.get(name, ())))
