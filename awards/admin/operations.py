"""Optimistic locking for the admin forms: the version a page was loaded with, checked before a change.

The changes themselves are the verbs of ``awards.org.operations``.
"""
from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified

from awards.core.errors import StaleRecord
from awards.extensions import db
from awards.org.models import User


def check_version(record, submitted: str | int | None) -> None:
    """Refuse a change made from a page loaded before someone else's save (StaleRecord, 409).

    A missing or garbled version is refused too: a change is never applied blind.
    """
    if str(submitted or "").strip() != str(record.version):
        raise StaleRecord()


def bump_version(record) -> None:
    """Count a change to a record's rows (names, ratings, members, roles, tokens) as a change to the record.

    Those rows carry no version of their own, so without this two people editing the same unit's rating
    from the same page would silently overwrite each other; bumping the parent makes the second one stale.
    """
    key = "username" if isinstance(record, User) else "code"
    getattr(record, key)  # flag_modified needs the attribute loaded
    flag_modified(record, key)
    db.session.flush()
