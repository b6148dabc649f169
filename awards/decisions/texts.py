"""The generated wording of a decision: subject line (trích yếu), Điều 1–3, the "Xét đề nghị" line, recipients.

Pure functions over plain values, so the Vietnamese can be tested line by line. HR may edit every text of a
draft before it is issued; these are the defaults made from its items.
"""
from __future__ import annotations

from dataclasses import dataclass

from awards.core.formatting import amount_in_words, number


@dataclass(frozen=True)
class Group:
    """The items of one award in a decision."""

    award_name: str   # "Lao động tiên tiến"
    is_title: bool    # danh hiệu thi đua (quoted) vs hình thức khen thưởng (Giấy khen …)
    persons: int
    collectives: int


def count(n: int) -> str:
    """Counts in decisions keep a leading zero below 10: "05 tập thể", "137 cá nhân"."""
    return f"{n:02d}" if n < 10 else number(n)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]


def _who(persons: int, collectives: int) -> str:
    parts = ([f"{count(collectives)} tập thể"] if collectives else []) + ([f"{count(persons)} cá nhân"] if persons
                                                                         else [])
    return " và ".join(parts)


def _kinds(persons: int, collectives: int) -> str:
    return " và ".join((["tập thể"] if collectives else []) + (["cá nhân"] if persons else []))


def _named(group: Group) -> str:
    return f"“{group.award_name}”" if group.is_title else group.award_name


def subject(groups: list[Group], year: int) -> str:
    """``Về việc tặng danh hiệu “Lao động tiên tiến” năm 2021``; several titles are joined with "và";
    commendations read ``Về việc tặng Giấy khen cho tập thể, cá nhân có thành tích xuất sắc năm 2021``."""
    titles = [g for g in groups if g.is_title]
    others = [g for g in groups if not g.is_title]
    persons = sum(g.persons for g in groups)
    collectives = sum(g.collectives for g in groups)
    if titles and not others:
        return f"Về việc tặng danh hiệu {_join([_named(g) for g in titles])} năm {year}"
    who = ", ".join((["tập thể"] if collectives else []) + (["cá nhân"] if persons else []))
    if others and not titles:
        return f"Về việc tặng {_join([g.award_name for g in others])} cho {who} có thành tích xuất sắc năm {year}"
    return (f"Về việc tặng danh hiệu thi đua và {_join([g.award_name for g in others])} cho {who} "
            f"có thành tích xuất sắc năm {year}")


def article1(groups: list[Group], year: int, issuer_name: str) -> tuple[str, list[str]]:
    """Điều 1: who gets what. One award → one sentence; several → a sentence and one dash line per award."""
    persons = sum(g.persons for g in groups)
    collectives = sum(g.collectives for g in groups)
    if len(groups) == 1:
        g = groups[0]
        award = f"danh hiệu {_named(g)} năm {year}" if g.is_title else g.award_name
        tail = "" if g.is_title else f" vì đã có thành tích xuất sắc trong công tác năm {year}"
        return (f"Tặng {award} cho {_who(g.persons, g.collectives)} thuộc {issuer_name}{tail} "
                f"(có danh sách kèm theo).", [])
    lines = [f"{_named(g) if g.is_title else g.award_name}: {_who(g.persons, g.collectives)};" for g in groups]
    lines[-1] = lines[-1][:-1] + "."
    what = "danh hiệu thi đua" if all(g.is_title for g in groups) else "danh hiệu thi đua, hình thức khen thưởng"
    return (f"Tặng {what} năm {year} cho {_who(persons, collectives)} thuộc "
            f"{issuer_name} (có danh sách kèm theo), gồm:", lines)


def article2(total: int, fund: str) -> str:
    """Điều 2: the money, in figures and in words, and the fund it is paid from."""
    return (f"Tiền thưởng kèm theo danh hiệu thi đua, hình thức khen thưởng tại Điều 1 được thực hiện theo quy định "
            f"hiện hành; tổng số tiền thưởng là {number(total)} đồng (Bằng chữ: {amount_in_words(total)}), "
            f"chi từ {fund}.")


def article3(executors: str, kinds: str) -> str:
    """Điều 3: effect and who executes."""
    return (f"Quyết định này có hiệu lực kể từ ngày ký. {executors} và các {kinds} có tên tại Điều 1 chịu trách "
            f"nhiệm thi hành Quyết định này.")


def revocation_subject(number_text: str, date_text: str) -> str:
    return f"Về việc thu hồi khen thưởng tại Quyết định số {number_text} ngày {date_text}"


def revocation_article1(number_text: str, date_text: str, persons: int, collectives: int, reason: str) -> str:
    return (f"Thu hồi danh hiệu thi đua, hình thức khen thưởng và tiền thưởng đã tặng cho {_who(persons, collectives)} "
            f"tại Quyết định số {number_text} ngày {date_text} (có danh sách kèm theo). Lý do: {reason.rstrip('.')}.")


def revocation_article2(total: int, persons: int, collectives: int) -> str:
    who = " và ".join((["tập thể"] if collectives else []) + (["cá nhân"] if persons else []))
    return (f"{who.capitalize()} có tên tại Điều 1 nộp lại giấy khen, giấy chứng nhận và số tiền thưởng đã nhận, "
            f"tổng số {number(total)} đồng (Bằng chữ: {amount_in_words(total)}).")


def kinds(persons: int, collectives: int) -> str:
    return _kinds(persons, collectives)
