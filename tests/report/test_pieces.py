"""Table pieces of the page: the phone's blocks get their labels from the header, escaped."""

from __future__ import annotations

import re

import pytest

from coverage.report.pieces import bar, table, td

HEAD = [("Kind", False), ("Name", False), ('a "b" <c> & d', True), ("Share", True)]


def test_a_stacked_table_labels_every_cell_after_the_title_from_the_header():
    rows = [[td("tier"), td("<x>"), td(3, True), bar(0.5)]]
    html = table(HEAD, rows, title=2, wide=(3,))
    assert html.startswith('<div class="tablewrap stack"><table class="t2"><thead>')
    body = re.search(r"<tbody><tr>(.*)</tr></tbody>", html)
    assert body is not None
    cells = re.findall(r"<td[^>]*>", body.group(1))
    # The title cells stay as they were; the others carry their header, escaped by hand here.
    assert cells == [
        "<td>",
        "<td>",
        '<td data-label="a &quot;b&quot; &lt;c&gt; &amp; d" class="n">',
        '<td data-label="Share" data-w class="bar">',
    ]
    assert "<td>&lt;x&gt;</td>" in html  # the cell's own text untouched (escaped once)


def test_a_plain_table_is_unchanged():
    rows = [[td("a"), td("b"), td(1, True), td(2, True)]]
    html = table(HEAD, rows)
    assert html.startswith('<div class="tablewrap"><table><thead>')
    assert '<tbody><tr><td>a</td><td>b</td><td class="n">1</td><td class="n">2</td></tr>' in html
    assert "data-label" not in html


@pytest.mark.parametrize("title", [0, 3])
def test_the_style_sheet_knows_one_or_two_title_columns(title):
    with pytest.raises(ValueError, match="title must be 1 or 2"):
        table(HEAD, [], title=title)


def test_a_cell_not_made_by_td_or_bar_is_refused():
    with pytest.raises(ValueError, match="must be a <td>"):
        table(HEAD, [[td("a"), td("b"), "<th>1</th>", td(2)]], title=2)


def test_the_style_sheet_has_the_rules_the_markup_relies_on():
    from coverage.report.pieces import CSS

    phone = CSS[CSS.index("max-width: 600px") :]
    for rule in ("content: attr(data-label)", ".stack .t1", ".stack .t2", "td[data-w]", "thead"):
        assert rule in phone, rule
