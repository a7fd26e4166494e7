"""``natoasia validate`` end to end: warnings alone do not fail validation, one violation does."""

from __future__ import annotations

from natoasia import cli


def test_warnings_alone_exit_0(data_copy, tmp_path, capsys):
    """Without the article the quotes are not checked: a warning, and the sources still conform."""
    code = cli.main(["validate", "--article", str(tmp_path / "no-article.txt")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Warning [quote]" in out and "article.txt not found" in out
    assert "Violation" not in out.replace("0 violation(s)", "")


def test_a_violation_with_the_warning_exits_1(data_copy, tmp_path, capsys):
    graph = data_copy / "graph" / "contributions.ttl"
    graph.write_text(graph.read_text(encoding="utf-8").replace("nat:isApproximate true", "nat:isApproximate true, false",
                                                               1), encoding="utf-8")
    code = cli.main(["validate", "--article", str(tmp_path / "no-article.txt")])
    out = capsys.readouterr().out
    assert code == 1 and "Warning [quote]" in out and "Contribution-isApproximate-maxCount" in out
