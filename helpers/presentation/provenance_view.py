"""The provenance table (every number of the model, its source and status) as HTML or Markdown.

The rows come from :func:`helpers.evidence.provenance.provenance_table`.
In notebooks the HTML is folded: one ``<details>`` block per group (a route,
a disposition model, ...) whose summary line counts the statuses, so a
learner opens only what they need.
"""
from __future__ import annotations

import html

from ..evidence.provenance import provenance_table, status_counts
from .tables import Table

__all__ = ["provenance_table_html", "provenance_table_markdown", "provenance_folded_html"]

_STATUS_STYLE = {"measured": "", "derived": "background:#eef5fb",
                 "borrowed": "background:#fdf0d9", "assumed": "background:#fde0d9"}
_HEAD = ("Where", "Number", "Value", "Unit", "Source", "Population", "Status", "Note", "Read in")


def _table(rows, *, where: bool = True) -> Table:
    cells, styles = [], {}
    for i, row in enumerate(rows):
        cells.append((f"{row['group']}: {row['where']}", row["name"], row["value_text"], row["unit"],
                      row["sources"], row["population"], row["status"], row["note"],
                      row["confirmed"] or "the cited source"))
        styles[(i, 6)] = _STATUS_STYLE.get(row["status"], "")
    table = Table(_HEAD, tuple(cells), cell_styles=styles)
    if where:
        return table
    return Table(_HEAD[1:], tuple(c[1:] for c in cells), cell_styles={(i, 5): s for (i, _), s in styles.items()})


def provenance_table_html(rows=None) -> str:
    """The provenance table as one HTML table, status cells shaded (assumed darkest)."""
    return _table(provenance_table() if rows is None else rows).html()


def provenance_folded_html(rows=None) -> str:
    """The provenance table folded by group: one ``<details>`` per group, statuses counted in its summary."""
    rows = provenance_table() if rows is None else rows
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["group"], row["where"]), []).append(row)
    blocks = []
    for (group, where), members in groups.items():
        counts = ", ".join(f"{n} {status}" for status, n in status_counts(members).items() if n)
        blocks.append(f"<details><summary><b>{html.escape(group)}: {html.escape(where)}</b> "
                      f"({html.escape(counts)})</summary>{_table(members, where=False).html()}</details>")
    return "<div class='krl-provenance'>" + "".join(blocks) + "</div>"


def provenance_table_markdown(rows=None) -> str:
    """The provenance table as a Markdown pipe table (notes left out for width)."""
    rows = provenance_table() if rows is None else rows
    lines = ["| Where | Number | Value | Unit | Source | Status |", "|---|---|---|---|---|---|"]
    for row in rows:
        cells = (f"{row['group']}: {row['where']}", row["name"], row["value_text"], row["unit"],
                 row["sources"], row["status"])
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)
