"""`flask workflows diagram NAME` prints the Mermaid diagram; `flask workflows docs` writes the pages."""
from __future__ import annotations

from workflows import diagram, engine


def test_diagram_prints_the_mermaid_of_a_workflow(app):
    result = app.test_cli_runner().invoke(args=["workflows", "diagram", "nomination"])
    assert result.exit_code == 0, result.output
    assert result.output == engine.mermaid("nomination")


def test_diagram_refuses_an_unknown_workflow(app):
    result = app.test_cli_runner().invoke(args=["workflows", "diagram", "payment"])
    assert result.exit_code == 2
    assert "payment" in result.output and "nomination" in result.output


def test_docs_writes_every_page(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["workflows", "docs", "--directory", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for relative, text in diagram.render_docs().items():
        assert (tmp_path / relative).read_text(encoding="utf-8") == text
        assert str(tmp_path / relative) in result.output
