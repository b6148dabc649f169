"""``flask import <kind> FILE``: one command per import kind, run as the system (no scope).

A bad file prints one line per problem on stderr (``row 7, column birth_date: …``), changes nothing
and exits with status 1.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from awards.extensions import db
from awards.imports.framework import ImportKind, ImportRejected
from awards.imports.kinds import KINDS
from awards.imports.operations import run_import
from awards.imports.reading import UnreadableFile, read_path

import_cli = AppGroup("import", help="Nhập dữ liệu từ tệp CSV hoặc XLSX (tất cả hoặc không gì cả).")


def _run(kind: ImportKind, file: Path) -> None:
    try:
        table = read_path(file)
        result = run_import(kind, table, actor=None, file_name=file.name)
    except UnreadableFile as exc:
        click.echo(exc.message, err=True)
        raise click.exceptions.Exit(1) from None
    except ImportRejected as exc:
        # Nothing to roll back: a rejected file was never written, a failed write undid its savepoint.
        # One write for all the lines: a file with 100,000 bad rows prints them all, quickly.
        click.echo("\n".join(map(str, exc.result.problems)), err=True)
        raise click.exceptions.Exit(1) from None
    db.session.commit()
    click.echo(result.summary())


def _command(kind: ImportKind) -> click.Command:
    columns = ",".join(kind.column_names)

    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def command(file: Path) -> None:
        _run(kind, file)

    command.__name__ = f"import_{kind.name}"
    # Evaluated once at start-up, outside any request: the Vietnamese msgid is the text.
    label = str(kind.label)
    return import_cli.command(kind.name, short_help=label,
                              help=f"{label}: nhập từ FILE (.csv hoặc .xlsx) với các cột {columns}.")(command)


for _kind in KINDS.values():
    _command(_kind)
