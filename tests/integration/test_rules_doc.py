"""docs/rules.md is generated from the rule data: the committed file must match, and the command writes it."""
from __future__ import annotations

from pathlib import Path

from awards.eligibility.docs import render
from awards.eligibility.rules import RULES, TARGET_LINK

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(), \
        "docs/rules.md is stale: run `flask --app wsgi awards rules-doc`"


def test_the_document_lists_every_clause_of_every_regime_with_its_citation():
    text = render()
    for regime, subjects in RULES.items():
        section = text.split(f"## {regime}:")[1].split("\n## ")[0]
        for awards in subjects.values():
            for clauses in awards.values():
                for clause in clauses:
                    row = next(line for line in section.splitlines() if line.startswith(f"| `{clause.code}`"))
                    assert row.split(" | ")[3].strip() not in ("", "—"), row
        assert f"| `{TARGET_LINK.code}` |" in section
        assert "| `TTLDTT.ldtt_share` |" in section


def test_the_regimes_show_their_own_values():
    text = render()
    nd91, law2022 = text.split("## ND91_2017:")[1].split("## LTDKT_2022:")
    assert '`TTLDTT.ldtt_share` = {"min": "0.50", "strict": true}' in nd91
    assert '`TTLDTT.ldtt_share` = {"min": "0.70", "strict": false}' in law2022
    assert "`CSTDCS.initiative`" in nd91 and "`CSTDCS.achievement`" not in nd91
    assert "`CSTDCS.achievement`" in law2022


def test_the_command_writes_the_document(app, tmp_path):
    out = tmp_path / "rules.md"
    result = app.test_cli_runner().invoke(args=["awards", "rules-doc", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render()
    assert str(out) in result.output
