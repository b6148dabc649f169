"""The import verbs: preview (check only) and run (check, then write everything or nothing).

They flush, never commit: the CLI command or the request commits.
"""
from __future__ import annotations

from awards.core.errors import PermissionDenied
from awards.imports import framework
from awards.imports.framework import ImportKind, ImportRejected, ImportResult
from awards.imports.permissions import may_import
from awards.imports.reading import Table
from awards.org.models import User
from awards.org.permissions import visible_unit_ids


def _scope(kind: ImportKind, actor: User | None) -> set[int] | None:
    if actor is None:
        return None  # the system (CLI): no scope
    if not may_import(actor, kind):
        raise PermissionDenied()
    return visible_unit_ids(actor, kind.roles)


def preview_import(kind: ImportKind, table: Table, *, actor: User | None) -> ImportResult:
    """Check every row as ``actor`` would import it (``None``: the system) and mark it new or update.

    Writes nothing.
    """
    return framework.validate(kind, table, scope=_scope(kind, actor))


def run_import(kind: ImportKind, table: Table, *, actor: User | None, file_name: str | None = None) -> ImportResult:
    """Import ``table`` all-or-nothing: any problem raises ImportRejected and nothing is written.

    Re-importing the same codes updates the records in place (metric kinds replace them).
    ``file_name`` is only recorded, with the actor, in the import batch of the kinds that keep one.
    """
    result = framework.validate(kind, table, scope=_scope(kind, actor))
    if not result.ok:
        raise ImportRejected(result)
    framework.apply(result, file_name=file_name, actor=actor)
    return result
