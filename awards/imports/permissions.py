"""Who may run which import: units and clusters need admin, people, ratings and discipline admin or hr.

In the web page the role's scope applies row by row (``awards.imports.framework.Checker``); the CLI
runs as the system, without scope.
"""
from __future__ import annotations

from awards.core.errors import NotFound, PermissionDenied
from awards.imports.framework import ImportKind
from awards.imports.kinds import KINDS
from awards.org.models import User


def may_import(user: User | None, kind: ImportKind) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*kind.roles))


def kinds_for(user: User | None) -> list[ImportKind]:
    return [k for k in KINDS.values() if may_import(user, k)]


def kind_for(user: User | None, name: str | None) -> ImportKind:
    """The kind ``name`` if the user may import it: unknown → 404, not allowed → 403."""
    kind = KINDS.get(name or "")
    if kind is None:
        raise NotFound()
    if not may_import(user, kind):
        raise PermissionDenied()
    return kind
