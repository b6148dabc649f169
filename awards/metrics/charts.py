"""Server-side SVG charts of the enforcement rates, and the Vietnamese wording of the figures around them.

- ``month_chart``: the months of a statistical year, case and money rates against their targets (pygal).
- ``comparison_chart``: units side by side for one month, one bar each, sorted, with the targets (drawn
  here: pygal's bar charts cannot mark each bar's own target, and over 700 bars pygal alone takes longer
  than the whole page may).

Both return markup to embed inline in the page. Nothing in them is fetched from anywhere: pygal's
tooltip script (served from a CDN by default) is switched off, and the config script, the comments and
the script-driven tooltip layer it still writes are removed, so the SVG holds no script and no URL.
Hover texts are native SVG ``<title>`` elements, which need no script.

Values are rounded and written the Vietnamese way by ``awards.core.formatting`` ("83,42%"); the rates
come from ``awards.metrics.queries`` and nothing here computes one.
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree as ET

import pygal
import pygal.etree
from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from pygal.style import Style

from awards.core.formatting import number, percent
from awards.metrics import compute

# pygal builds its SVG with lxml whenever lxml is importable (pyHanko brings it), and the chart code here adds
# xml.etree elements: one ElementTree for all, the standard library's.
pygal.etree.etree.to_etree()

# One colour per measure on every chart and table: cases blue, money orange; targets in the same hue.
CASES_COLOUR = "#1f5f9e"
MONEY_COLOUR = "#c25e12"
COLOURS = {"cases": CASES_COLOUR, "money": MONEY_COLOUR}
# The same hues, lighter: bars of units below their own target.
LIGHT_COLOURS = {"cases": "#9dbfe0", "money": "#eebf98"}
TARGET_COLOUR = "#212529"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif'

_ids = itertools.count(1)


# --- wording -------------------------------------------------------------------------------------------
# A comparison page prints these hundreds of times: each pattern is translated once per request (``_word``)
# and filled in with ``%``, as gettext itself would.
_WORDS = {
    "attainment": _l("đạt %(pct)s chỉ tiêu"),
    "over": _l("vượt %(points)s điểm %%"),
    "under": _l("thiếu %(points)s điểm %%"),
    "equal": _l("bằng chỉ tiêu"),
    "up": _l("tăng %(pct)s so với tháng %(month)s"),
    "down": _l("giảm %(pct)s so với tháng %(month)s"),
    "same": _l("không đổi so với tháng %(month)s"),
    "target": _l("chỉ tiêu %(pct)s"),
    "billion": _l("%(amount)s tỷ đồng"),
}
BILLION = Decimal(10) ** 9


def _word(key: str) -> str:
    cache = g.setdefault("_metric_words", {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = str(_WORDS[key])  # no arguments: the pattern comes back unformatted
    return cache[key]


def month_label(year: int, month: int) -> str:
    """Statistical year 2021, month 11 → ``11/2020``; month 6 → ``6/2021``."""
    return f"{month}/{compute.calendar_year(year, month)}"


def attainment_text(value: Decimal | None) -> str:
    """"đạt 92,80% chỉ tiêu"; empty without a rate or a target."""
    return "" if value is None else _word("attainment") % {"pct": percent(value)}


def target_text(value: Decimal | None) -> str:
    """"chỉ tiêu 81,50%"."""
    return "" if value is None else _word("target") % {"pct": percent(value)}


def excess_text(value: Decimal | None) -> str:
    """"vượt 0,39 điểm %" / "thiếu 1,20 điểm %": the rate minus the target, in percentage points."""
    value = compute.round2(value)
    if value is None:
        return ""
    if value > 0:
        return _word("over") % {"points": number(value, 2)}
    if value < 0:
        return _word("under") % {"points": number(-value, 2)}
    return _word("equal")


def change_text(value: Decimal | None, month: int) -> str:
    """"tăng 3,92% so với tháng 5": the rate minus last month's, in percentage points, as reports word it."""
    value = compute.round2(value)
    previous = compute.previous_month(month)
    if value is None or previous is None:
        return ""
    if value > 0:
        return _word("up") % {"pct": percent(value), "month": previous}
    if value < 0:
        return _word("down") % {"pct": percent(-value), "month": previous}
    return _word("same") % {"month": previous}


@lru_cache(maxsize=512)
def _target_percent(value: Decimal | None) -> str:
    return percent(value)  # a few targets repeated over hundreds of rows: written once each


@dataclass(frozen=True)
class Cells:
    """One measure (cases or money) of a summary, written out once for a table row and its chart bar."""

    rate: Decimal | None
    target: Decimal | None
    rate_text: str  # "83,42%" or "—"
    target_text: str  # "81,50%" or "—"
    excess_text: str  # "vượt 1,92 điểm %" or ""
    below: bool | None  # under its target (exactly, not as rounded); None without a rate or a target
    counts_text: str  # completed / enforceable: "952/1.080", money in billions "12,41/27,43 tỷ đồng"

    @classmethod
    def of(cls, summary, measure: str) -> Cells:
        cases = measure == "cases"
        rate = summary.case_rate if cases else summary.money_rate
        target = summary.case_target if cases else summary.money_target
        excess = summary.case_excess if cases else summary.money_excess
        if cases:
            counts = f"{number(summary.cases.completed)}/{number(summary.cases.enforceable)}"
        else:  # whole đồng would not fit a table row; the unit's own page has them
            counts = _word("billion") % {"amount": f"{number(summary.money.completed / BILLION, 2)}/"
                                                   f"{number(summary.money.enforceable / BILLION, 2)}"}
        return cls(rate, target, percent(rate), _target_percent(target), excess_text(excess),
                   None if excess is None else excess < 0, counts)


# --- the months of a year (pygal) ------------------------------------------------------------------------

def _style(colours: Sequence[str], compact: bool) -> Style:
    small, large = (13, 14) if compact else (14, 15)
    return Style(
        font_family=FONT, background="transparent", plot_background="#ffffff",
        foreground="#212529", foreground_strong="#212529", foreground_subtle="#6c757d",
        colors=tuple(colours), opacity="1", opacity_hover="1", transition="0ms",
        stroke_width="2.5", stroke_width_hover="2.5",
        label_font_size=small, major_label_font_size=small, legend_font_size=large,
        value_font_size=small, tooltip_font_size=small, title_font_size=large,
        guide_stroke_color="#ced4da", major_guide_stroke_color="#adb5bd",
    )


def _plain_svg(title: str, description: str, hover: dict[int, str]):
    """An xml filter for pygal: no script, no comment, no script-driven tooltip; a title, a description,
    and a native hover text on every dot (``hover``: series index → its name)."""

    def clean(root: ET.Element) -> ET.Element:
        chart_id = root.get("id")
        root.attrib.pop("xmlns", None)  # inline in HTML the parser knows the namespace; no URL left in the markup
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag in ("script", ET.Comment) or "tooltip-overlay" in (child.get("class") or ""):
                    parent.remove(child)
        for element in root.iter("title"):
            if element in list(root):  # the chart's own title, a direct child of <svg>
                element.text = title
                element.set("id", f"{chart_id}-title")
        desc = ET.Element("desc", id=f"{chart_id}-desc")
        desc.text = description
        root.insert(0, desc)
        root.set("role", "img")
        root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
        for series in root.iter("g"):
            classes = (series.get("class") or "").split()
            if "series" not in classes:
                continue
            index = next((int(c[6:]) for c in classes if c.startswith("serie-")), None)
            for dots in series.iter("g"):
                if "dots" not in (dots.get("class") or "").split():
                    continue
                value = dots.find("desc[@class='value']")
                x_label = dots.find("desc[@class='x_label']")
                tip = ET.SubElement(dots, "title")
                tip.text = f"{hover.get(index, '')} · {x_label.text if x_label is not None else ''}: " \
                           f"{value.text if value is not None else ''}"
        return root

    return clean


def _rate(value: Decimal | None) -> float | None:
    value = compute.round2(value)
    return None if value is None else float(value)


def month_chart(series, year: int, *, title: str, compact: bool = False) -> Markup:
    """Case and money rates for every month of the statistical ``year`` (October → September), each with
    its target as a dashed flat line. ``series``: the year's ``queries.Summary`` objects, in any order.

    ``compact`` draws for a phone: narrower, so its letters stay readable when the SVG is scaled down.
    """
    by_month = {s.month: s for s in series}
    target = next(iter(series), None)
    case_target = target.case_target if target else None
    money_target = target.money_target if target else None
    lines = [
        (_("Về việc"), [_rate(by_month[m].case_rate) if m in by_month else None for m in compute.MONTHS_IN_ORDER],
         CASES_COLOUR, {"stroke_style": {"width": 3}}),
        (_("Về tiền"), [_rate(by_month[m].money_rate) if m in by_month else None for m in compute.MONTHS_IN_ORDER],
         MONEY_COLOUR, {"stroke_style": {"width": 3}}),
    ]
    dashed = {"show_dots": False, "stroke_style": {"width": 2, "dasharray": "7, 5"}}
    if case_target is not None:
        lines.append((_("Chỉ tiêu về việc %(pct)s", pct=percent(case_target)), [_rate(case_target)] * 12,
                      CASES_COLOUR, dashed))
    if money_target is not None:
        lines.append((_("Chỉ tiêu về tiền %(pct)s", pct=percent(money_target)), [_rate(money_target)] * 12,
                      MONEY_COLOUR, dashed))

    latest = max(series, key=lambda s: compute.month_position(s.month), default=None)
    description = _("Tỷ lệ thi hành xong theo tháng, năm thống kê %(year)s.", year=year)
    if latest is not None:
        description += " " + _("Tháng %(month)s: về việc %(cases)s, về tiền %(money)s.",
                               month=month_label(year, latest.month), cases=percent(latest.case_rate),
                               money=percent(latest.money_rate))
    chart = pygal.Line(
        width=360 if compact else 760, height=300 if compact else 340,
        style=_style([colour for *_rest, colour, _opts in lines], compact),
        js=[], disable_xml_declaration=True, explicit_size=False, pretty_print=False,
        range=(0, 100), include_x_axis=True, allow_interruptions=True,
        y_labels=[{"label": f"{v}%", "value": v} for v in range(0, 101, 20)],
        # On a phone twelve "T10"s do not fit side by side: the month numbers alone do.
        x_labels=[str(m) if compact else _("T%(month)s", month=m) for m in compute.MONTHS_IN_ORDER],
        value_formatter=percent, dots_size=4, show_x_guides=False, show_y_guides=True,
        # The page writes the legend in HTML (``line_mark``): it wraps on a phone.
        show_legend=False, stroke_style={"width": 3},
        truncate_label=-1, margin=8, spacing=12, tooltip_fancy_mode=False,
        classes=["pygal-chart", "metrics-chart", "w-100", "h-auto"],
    )
    chart.add_xml_filter(_plain_svg(title, description, {i: line[0] for i, line in enumerate(lines)}))
    for name, values, _colour, options in lines:
        chart.add(name, values, **options)
    return Markup(chart.render())


# --- units side by side (drawn here) ---------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    label: str
    cells: Cells


ROW = 36  # px per unit: a line of text (name and rate), then the bar
BAR = 13
TOP = 24  # the scale


def _pct(value: Decimal) -> str:
    """An SVG length: a share of the chart's width (the bars scale with the page, the letters do not)."""
    return f"{min(max(float(value), 0.0), 100.0):.3f}%"


def comparison_chart(bars: Sequence[Bar], *, measure: str, title: str, common_target: Decimal | None = None,
                     max_label: int = 36) -> Markup:
    """Horizontal bars in the given order (the caller sorts), 0–100% across the full width.

    Each unit's own target is a black mark across its bar; when every unit has the same target
    (``common_target``) it is one dashed line instead. Bars of units below their target are lighter.
    The SVG is as wide as its container and as tall as the rows need; texts keep their size on a phone.
    The legend is the page's (``swatch``, ``target_mark``): in HTML it wraps on a narrow screen.
    """
    chart_id = f"cmp-{next(_ids)}"
    colour, light = COLOURS[measure], LIGHT_COLOURS[measure]
    height = TOP + ROW * max(len(bars), 1) + 4
    measure_name = _("Về việc") if measure == "cases" else _("Về tiền")
    target_word = _("chỉ tiêu")
    rated = [b for b in bars if b.cells.rate is not None]
    description = _("%(n)s đơn vị, xếp theo tỷ lệ thi hành xong %(measure)s giảm dần.",
                    n=len(bars), measure=measure_name.lower())
    if rated:
        description += " " + _("Cao nhất: %(top)s %(top_rate)s; thấp nhất: %(last)s %(last_rate)s.",
                               top=rated[0].label, top_rate=rated[0].cells.rate_text,
                               last=rated[-1].label, last_rate=rated[-1].cells.rate_text)
    out = [
        f'<svg class="comparison-chart" width="100%" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="13" fill="#212529">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    # the scale: 0 … 100% with light guides down the rows
    for tick in range(0, 101, 20):
        anchor = "start" if tick == 0 else ("end" if tick == 100 else "middle")
        out.append(f'<text x="{tick}%" y="{TOP - 8}" text-anchor="{anchor}" fill="#6c757d" font-size="11">'
                   f'{tick}%</text>')
        if 0 < tick < 100:
            out.append(f'<line x1="{tick}%" x2="{tick}%" y1="{TOP - 4}" y2="{height - 2}" stroke="#e9ecef"/>')
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        c = bar.cells
        hover = f"{bar.label} — {measure_name}: {c.rate_text}"
        if c.target is not None:
            hover += f" · {target_word} {c.target_text}" + (f" ({c.excess_text})" if c.excess_text else "")
        out.append(f'<g class="bar-row"><title>{escape(hover)}</title>')
        value = f' <tspan font-weight="600">{c.rate_text}</tspan></text>'
        if len(bar.label) <= max_label:
            out.append(f'<text x="0" y="{y + 14}">{i + 1}. {escape(bar.label)}{value}')
        else:
            # A phone gets the name cut at a word (the hover text has it whole), so the rate stays on the
            # line; from 768 px the whole name fits. Bootstrap's display classes pick one.
            short = bar.label[:max_label - 1].rsplit(" ", 1)[0] + "…"
            out.append(f'<text x="0" y="{y + 14}" class="d-md-none">{i + 1}. {escape(short)}{value}'
                       f'<text x="0" y="{y + 14}" class="d-none d-md-inline">{i + 1}. {escape(bar.label)}{value}')
        out.append(f'<rect x="0" y="{y + 19}" width="100%" height="{BAR}" fill="#f1f3f5"/>')
        if c.rate is not None:
            out.append(f'<rect x="0" y="{y + 19}" width="{_pct(c.rate)}" height="{BAR}" '
                       f'fill="{light if c.below else colour}"/>')
        if c.target is not None and common_target is None:
            out.append(f'<line x1="{_pct(c.target)}" x2="{_pct(c.target)}" y1="{y + 16}" y2="{y + 22 + BAR}" '
                       f'stroke="{TARGET_COLOUR}" stroke-width="3"/>')
        out.append("</g>")
    if common_target is not None:
        out.append(f'<line x1="{_pct(common_target)}" x2="{_pct(common_target)}" y1="{TOP - 4}" y2="{height - 2}" '
                   f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>')
    out.append("</svg>")
    return Markup("".join(out))


def swatch(colour: str) -> Markup:
    """A small coloured box for a legend written in HTML."""
    return Markup(f'<svg width="14" height="12" aria-hidden="true" class="align-baseline">'
                  f'<rect width="14" height="12" fill="{escape(colour)}"/></svg>')


def target_mark(common: bool) -> Markup:
    """The legend's picture of a target: a dashed line (one target for all) or a unit's own mark."""
    if common:
        return Markup('<svg width="22" height="12" aria-hidden="true" class="align-baseline"><line x1="0" x2="22" '
                      'y1="6" y2="6" stroke="#212529" stroke-width="2" stroke-dasharray="5 3"/></svg>')
    return Markup('<svg width="6" height="14" aria-hidden="true" class="align-baseline"><line x1="3" x2="3" y1="0" '
                  'y2="14" stroke="#212529" stroke-width="3"/></svg>')


def line_mark(colour: str, dashed: bool = False) -> Markup:
    """The legend's picture of a line of the months chart: a rate (solid, with a dot) or a target (dashed)."""
    if dashed:
        return Markup(f'<svg width="26" height="12" aria-hidden="true" class="align-baseline"><line x1="0" x2="26" '
                      f'y1="6" y2="6" stroke="{escape(colour)}" stroke-width="2" stroke-dasharray="7 5"/></svg>')
    return Markup(f'<svg width="26" height="12" aria-hidden="true" class="align-baseline"><line x1="0" x2="26" '
                  f'y1="6" y2="6" stroke="{escape(colour)}" stroke-width="3"/>'
                  f'<circle cx="13" cy="6" r="4" fill="{escape(colour)}"/></svg>')
