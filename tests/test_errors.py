"""Messages worded at output time (:class:`~coverage.errors.Msg`) and the problems that carry
them: the same problem in Chinese and in English, English where no language is asked for."""

from __future__ import annotations

import pickle

import pytest

from coverage.errors import InputError, Msg, Problem, first_rows


def test_a_message_is_worded_in_each_language() -> None:
    m = Msg("problem.weight_not_positive", v=-5.0)
    assert m.text("en") == "weight must be positive, got -5"
    assert m.text("zh") == "权重必须为正数，实际为 -5"
    assert str(m) == "weight must be positive, got -5"  # English where no language is asked


def test_clauses_nested_messages_and_texts_by_language() -> None:
    m = Msg("problem.not_a_number", value="很多") + Msg("problem.value_left_empty")
    assert m.text("en") == "not a number: '很多'; value left empty"
    assert m.text("zh") == "不是数字：“很多”；该值留空"
    known = {"en": "centre, point", "zh": "服务中心、服务站点"}
    assert Msg("problem.missing_tier_known", known=known).text("zh") == (
        "缺少层级（已知：服务中心、服务站点）"
    )
    nested = Msg("problem.invalid_polygon_repaired", stage=Msg("problem.after_wgs84"), reason="x")
    assert (
        nested.text("en")
        == "invalid polygon after conversion to WGS-84 (x); repaired with make_valid"
    )
    # ``+`` makes a new message: the first one is unchanged.
    first = Msg("problem.missing_tier")
    assert (first + Msg("problem.allowed", values="a, b")).text(
        "en"
    ) == "missing tier (allowed: a, b)"
    assert first.text("en") == "missing tier"
    # An optional clause with nothing to say is "": it adds nothing.
    assert (first + "").text("en") == "missing tier" and (first + "") == first


def test_messages_compare_by_key_and_fields_and_pickle() -> None:
    m = Msg("problem.duplicate_id", id="001", row=3)
    assert m == Msg("problem.duplicate_id", id="001", row=3)
    assert m != Msg("problem.duplicate_id", id="002", row=3)
    assert (
        pickle.loads(pickle.dumps(m)).text("zh")
        == "编号“001”重复：第 3 行的编号相同（编号必须唯一）"
    )


def test_a_problem_speaks_the_language_asked_and_english_by_default() -> None:
    p = Problem("a.csv", 4, "经度", Msg("problem.not_a_number", value="abc"))
    assert p.message == "not a number: 'abc'"
    assert p.text("zh") == "不是数字：“abc”"
    assert p.as_dict("zh")["problem"] == "不是数字：“abc”"
    assert p.as_dict()["problem"] == "not a number: 'abc'"
    err = p.to_error()
    assert isinstance(err, InputError)
    assert str(err) == "a.csv, row 4, field '经度': not a number: 'abc'"
    plain = Problem("a.csv", None, None, "as written", action="kept")
    assert plain.text("zh") == plain.message == "as written"
    assert pickle.loads(pickle.dumps(p)).text("zh") == p.text("zh")


def test_an_unknown_key_or_language_is_refused() -> None:
    with pytest.raises(KeyError, match="problem.nonsense"):
        Msg("problem.nonsense").text("en")
    with pytest.raises(ValueError, match="lang must be one of"):
        Msg("problem.missing_weight").text("fr")


def test_printable_shows_what_a_terminal_would_act_on_as_escapes() -> None:
    from coverage.errors import printable

    # Worked out by hand: each control character as its Python escape, the rest as written.
    assert printable("a\nb\r\nc") == "a\\nb\\r\\nc"
    assert printable("\x1b[31mred\x07\x00") == "\\x1b[31mred\\x07\\x00"
    assert printable("\u202eevil\u202c \u2066x\u2069") == "\\u202eevil\\u202c \\u2066x\\u2069"
    assert printable("\x9b2J \u2028 \ud800") == "\\x9b2J \\u2028 \\ud800"  # C1 CSI, separator
    # Text that is only text stays as it is: tabs, brackets, backslashes, CJK, zero-width joiners.
    kept = "a\tb [bold]x[/] \\n 名称 a\u200db"
    assert printable(kept) == kept


def test_an_error_is_one_line_per_problem_whatever_its_names_hold() -> None:
    nasty = "a\nb\x1b[31m\u202e"
    exc = InputError(
        [Msg("error.input.no_sheet", sheet=nasty, names=["S1"]), f"second {nasty}"],
        path=f"/data/f{nasty}.xlsx",
        row=3,
        field=nasty,
    )
    shown = "a\\nb\\x1b[31m\\u202e"
    for lang in ("en", "zh"):
        lines = exc.text(lang).splitlines()
        assert len(lines) == 2  # one per problem, not one per line break in the names
        assert lines[0].startswith(f"/data/f{shown}.xlsx")
        assert lines[0].count(shown) == 3 and lines[1] == f"second {shown}"
    assert str(exc) == exc.text("en")
    assert not any(c in str(exc) for c in "\r\x1b\u202e")


def test_first_rows_are_listed_then_counted() -> None:
    # Five rows shown as they are; past five, " … (n rows)", the count worded per language.
    assert first_rows([3, 5]) == "3, 5"
    assert first_rows(range(1, 6)) == "1, 2, 3, 4, 5"
    many = first_rows(range(1, 8))
    assert str(many) == "1, 2, 3, 4, 5 … (7 rows)"
    assert isinstance(many, Msg) and many.text("zh") == "1, 2, 3, 4, 5……（共 7 行）"
    assert str(first_rows(["a", "b", "c", "d", "e", "f"], count=False)) == "a, b, c, d, e …"
    assert first_rows([]) == ""
