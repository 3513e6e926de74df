"""The directory's filter form: about 400 choices on every page view.

Each choice's markup is built once per process (for each version of the choices,
which are plain, hashable tuples) and a page view only joins the pieces; the same
markup as template loops took a third of the directory page's time.
"""

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# (value, markup when not chosen, markup when chosen)
Piece = tuple[str, SafeString, SafeString]


@lru_cache(maxsize=16)
def _option_pieces(choices: tuple[tuple[str, str], ...]) -> tuple[Piece, ...]:
    return tuple(
        (
            value,
            format_html('<option value="{}">{}</option>', value, label),
            format_html('<option value="{}" selected>{}</option>', value, label),
        )
        for value, label in choices
    )


@lru_cache(maxsize=16)
def _category_pieces(
    categories: tuple,
) -> tuple[tuple[str, tuple[Piece, ...]], ...]:
    # A tag's aliases ride along for the list's filter-as-you-type script.
    chip = (
        '<label class="chip" data-terms="{} {}">'
        '<input type="checkbox" name="interest" value="{}"{}> {}</label>'
    )
    return tuple(
        (
            category.name,
            tuple(
                (
                    slug,
                    format_html(chip, name, aliases, slug, "", name),
                    format_html(chip, name, aliases, slug, mark_safe(" checked"), name),
                )
                for slug, name, aliases in category.tags
            ),
        )
        for category in categories
    )


def _join(pieces: tuple[Piece, ...], chosen) -> str:
    return "".join(on if value in chosen else off for value, off, on in pieces)


@register.simple_tag
def select_options(choices, selected: str):
    """<option>s for (value, label) pairs, the selected value marked."""
    return mark_safe(_join(_option_pieces(tuple(choices)), {selected}))  # noqa: S308 (escaped above)


@register.simple_tag
def tag_filter_fieldsets(categories, selected: set[str]):
    """The interest checkboxes, one collapsible fieldset per category, the
    selected checked and their categories open."""
    parts = []
    for name, chips in _category_pieces(tuple(categories)):
        chosen = sum(value in selected for value, _, _ in chips)
        parts.append(
            format_html(
                '<details class="tag-filter"{}><summary>{}{}</summary>'
                '<fieldset><legend class="visually-hidden">{}</legend>',
                mark_safe(" open") if chosen else "",
                name,
                f" ({chosen} chosen)" if chosen else "",
                name,
            )
            + _join(chips, selected)
            + "</fieldset></details>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 (escaped above)
