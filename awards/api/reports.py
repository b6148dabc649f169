"""The year-end awards report of a unit's subtree, read-only (``awards.reports.queries.year_end``).

A unit outside the caller's scope answers 404, the same body as an unknown code.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate

from awards.api.auth import ApiBlueprint
from awards.org.models import Unit
from awards.org.permissions import get_visible_or_404
from awards.reports import queries

blp = ApiBlueprint("api_reports", __name__,
                   description="Reports: the year-end awards report of a unit and every unit below it.")

_REQUIRED = {"required": [_l("Trường này là bắt buộc.")]}


class YearEndArgsSchema(Schema):
    unit = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED,
                         metadata={"description": "The unit's code; the report covers it and every unit below it.",
                                   "example": "DT"})
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2999,
                                                                  error=_l("Phải từ {min} đến {max}.")),
                          error_messages={"invalid": [_l("Phải là một số nguyên.")], **_REQUIRED},
                          metadata={"description": "The emulation year the awards are for.", "example": 2021})


def _counts(description: str):
    return fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                       metadata={"description": description, "example": {"LDTT": 35, "CSTDCS": 4}})


class OutcomesSchema(Schema):
    decided = _counts("Per award code: nominations in `decided` granted by an issued award decision of a unit of "
                      "the subtree, the item not revoked.")
    proposed = _counts("Per award code: nominations a unit of the subtree referred to an authority outside it "
                       "(the level above, or the minister / prime minister), whatever the outcome, unless revoked.")


class YearEndSchema(Schema):
    unit = fields.String(required=True, metadata={"example": "DT"})
    year = fields.Integer(required=True, metadata={"example": 2021})
    collective = fields.Nested(OutcomesSchema, required=True, metadata={"description": "Collective nominees."})
    individual = fields.Nested(OutcomesSchema, required=True, metadata={"description": "Individual nominees."})
    initiatives_recognised = fields.Integer(required=True, metadata={
        "description": "Initiatives of the subtree's units recognised for the year."})
    money_total = fields.Integer(required=True, metadata={
        "description": "Award money in whole đồng: standing items of the subtree's issued award decisions."})


@blp.route("/reports/year-end")
@blp.arguments(YearEndArgsSchema, location="query", as_kwargs=True)
@blp.response(200, YearEndSchema)
@blp.errors(not_found="`not_found`: unknown unit code, or a unit outside the caller's scope (the same body).")
def year_end(unit: str, year: int):
    """The year-end awards report of a unit and every unit below it

    Counts per award code of collectives and individuals decided inside the subtree and proposed upward, the
    initiatives recognised and the money paid (docs/reports.md).
    """
    found = get_visible_or_404(Unit, unit, current_user, unit_of=lambda u: u, by="code")
    return queries.year_end(found, year).as_json()
