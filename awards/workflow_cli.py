"""``flask --app wsgi workflows …``: the workflows' diagrams and their generated documentation."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from workflows.definitions import WORKFLOWS
from workflows.diagram import mermaid, write_docs

DEFAULT_DOCS = Path(__file__).resolve().parents[1] / "docs"

workflows_cli = AppGroup("workflows", help="Quy trình: sơ đồ trạng thái và tài liệu sinh từ dữ liệu quy trình.")


@workflows_cli.command("diagram")
@click.argument("name", type=click.Choice(list(WORKFLOWS)))
def diagram_command(name: str) -> None:
    """In sơ đồ Mermaid của một quy trình (nomination, batch, initiative, registration)."""
    click.echo(mermaid(name), nl=False)


@workflows_cli.command("docs")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DOCS,
              show_default=True, help="Thư mục docs/ cần ghi.")
def docs_command(directory: Path) -> None:
    """Ghi docs/workflows.md và docs/workflows/<tên>.md từ dữ liệu quy trình."""
    for path in write_docs(directory):
        click.echo(f"Đã ghi {path}")
