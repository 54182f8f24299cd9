"""The bibliography: the five course documents and every paper behind a number.

Papers live in ``data/bibliography.toml`` (authors, year, title, journal,
PMID or DOI); the course documents in ``data/course_sources.toml`` (title,
publisher). :func:`cite` renders either for notebook text.
"""
from __future__ import annotations

from ..core.checks import check_choice
from ..core.parameters import load_data_file

__all__ = ["PAPERS", "COURSE_SOURCES", "BIBLIOGRAPHY", "cite", "reference_list"]

PAPERS: dict[str, dict] = load_data_file("bibliography.toml")
COURSE_SOURCES: dict[str, dict] = load_data_file("course_sources.toml")
BIBLIOGRAPHY: dict[str, dict] = {**PAPERS, **COURSE_SOURCES}


def _first_author_surname(authors: str) -> str:
    return authors.split(",")[0].split()[0]


def _short(key: str, entry: dict) -> str:
    if key in COURSE_SOURCES:
        return f"{entry['short']} (source {entry['number']})"
    n_authors = entry["authors"].count(",") + 1
    surname = _first_author_surname(entry["authors"])
    if n_authors == 1 and "et al" not in entry["authors"]:
        return f"{surname} {entry['year']}"
    if n_authors == 2 and "et al" not in entry["authors"]:
        second = _first_author_surname(entry["authors"].split(",")[1].strip())
        return f"{surname} & {second} {entry['year']}"
    return f"{surname} et al. {entry['year']}"


def _full(key: str, entry: dict) -> str:
    if key in COURSE_SOURCES:
        author = f"{entry['author']}. " if entry["author"] else ""
        return (f"{author}\u201c{entry['title']}.\u201d {entry['publisher']} "
                f"({entry['kind']}; course source {entry['number']}).")
    where = f" {entry['volume']}:{entry['pages']}" if entry.get("volume") and entry.get("pages") else ""
    text = f"{entry['authors']} ({entry['year']}). {entry['title']}. {entry['journal']}{where}."
    if entry.get("pmid"):
        text += f" PMID {entry['pmid']}."
    if entry.get("doi"):
        text += f" doi:{entry['doi']}."
    return text


def cite(key: str, style: str = "short") -> str:
    """Render a citation: ``style="short"`` for running text, ``"full"`` for reference lists.

    Examples
    --------
    >>> cite("levine_actify")
    'Levine, Actify Neurotherapies (source 001)'
    >>> cite("npc_routes", style="full").startswith('\u201cKetamine Infusions - Routes')
    True
    """
    key = check_choice("key", key, BIBLIOGRAPHY)
    check_choice("style", style, ("short", "full"))
    entry = BIBLIOGRAPHY[key]
    return _short(key, entry) if style == "short" else _full(key, entry)


def reference_list(keys) -> str:
    """A Markdown bullet list of full citations, in the order given, without repeats.

    Examples
    --------
    >>> reference_list("kamp2020")
    Traceback (most recent call last):
    ...
    ValueError: keys must be a list of bibliography keys; got 'kamp2020'
    """
    if isinstance(keys, (str, bytes)) or not isinstance(keys, (list, tuple)):
        raise ValueError(f"keys must be a list of bibliography keys; got {keys!r}")
    unique = list(dict.fromkeys(check_choice("key", key, BIBLIOGRAPHY) for key in keys))
    return "\n".join(f"- {cite(key, style='full')}" for key in unique)
