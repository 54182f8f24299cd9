"""helpers.Markdown and helpers.prose: text shown as Markdown, never read as a file name."""
import pytest
from IPython.core.formatters import DisplayFormatter

from helpers import Markdown, prose


def test_text_that_names_a_file_is_shown_as_text(tmp_path, monkeypatch):
    (tmp_path / "notes.md").write_text("the file's content")
    monkeypatch.chdir(tmp_path)
    data, _ = DisplayFormatter().format(Markdown("notes.md"))
    assert data == {"text/markdown": "notes.md", "text/plain": "notes.md"}


def test_file_names_are_not_looked_up(tmp_path, monkeypatch):
    looked_up = []
    monkeypatch.setattr("os.path.exists", lambda path: looked_up.append(path) or False)
    monkeypatch.setattr("os.path.isfile", lambda path: looked_up.append(path) or False)
    Markdown("A long paragraph about ketamine, made from the model's numbers.")
    assert looked_up == []


def test_only_text_is_accepted():
    with pytest.raises(TypeError, match="needs text"):
        Markdown(42)


def test_prose_displays_markdown(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr("helpers.presentation.text.display", lambda obj: shown.append(obj))
    prose("*Check:* 45%")
    assert [o._repr_markdown_() for o in shown] == ["*Check:* 45%"]
