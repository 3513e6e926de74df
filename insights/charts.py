"""Charts as static SVG drawn on the server by pygal, without its JavaScript.

The page shows each as an <img>: an image document runs no script and its own
stylesheet never meets the page's Content-Security-Policy.
"""

import pygal
from pygal.etree import etree
from pygal.style import Style

from .tabular import Table, display

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2430",
    foreground_strong="#1f2430",
    foreground_subtle="#5b6272",
    colors=("#5a3e8c", "#1d6b3a", "#b35c00", "#1f5f99", "#a3262a"),
    font_family="system-ui, sans-serif",
    title_font_size=20,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
)
_KINDS = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "line": pygal.Line}


def render_chart(table: Table) -> bytes:
    spec = table.chart
    if spec is None:
        raise ValueError(f"{table.name} has no chart")
    chart = _KINDS[spec.kind](
        js=[],
        style=STYLE,
        title=table.title,
        width=800,
        height=420,
        legend_at_bottom=True,
        print_values=False,
        show_y_guides=True,
        x_label_rotation=0 if len(table.rows) <= 6 else 30,
        truncate_label=40,
        no_data_text="No data yet",
        value_formatter=(
            (lambda v: display(v, "pct")) if spec.percent else (lambda v: f"{v:,.0f}")
        ),
        range=(0, 1) if spec.percent else None,
        include_x_axis=True,
    )
    chart.x_labels = [str(row[0]) for row in table.rows]
    for column in spec.series:
        chart.add(
            table.columns[column].label,
            [row[column] for row in table.rows],
        )
    # pygal always writes its tooltip config as a <script>, even with js=[]: an
    # image would not run it, but a static chart should not carry it either.
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)
