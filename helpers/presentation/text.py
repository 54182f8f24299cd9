"""Prose a notebook makes from the model's numbers, shown as Markdown.

>>> Markdown("AUC = F x dose / CL")._repr_markdown_()
'AUC = F x dose / CL'

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

from IPython.display import display

__all__ = ["Markdown", "prose"]


class Markdown:
    """Markdown text to show: ``display(Markdown(text))``, or a cell's last value.

    Unlike IPython's ``Markdown``, the text is never tried as a file name first (IPython looks every string
    up on disk; in the browser edition each look-up is a request from the kernel to the page, tens of ms
    while a lesson starts). Its plain-text form is the text itself, which the notebook tests re-check.
    """

    def __init__(self, text: str):
        if not isinstance(text, str):
            raise TypeError(f"Markdown needs text (a str), not {type(text).__name__}")
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def prose(text: str) -> None:
    """Show generated prose (Markdown) in the notebook."""
    display(Markdown(text))
