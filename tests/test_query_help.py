"""The query syntax help: made from the parser's names, so every field and flag it knows is in it."""

from __future__ import annotations

import pytest

from suno_desktop.cli import build_parser
from suno_desktop.library.query_help import EXAMPLE, help_sections, help_text
from suno_desktop.library.query_parse import (
    FIELD_ALIASES,
    AgeUnit,
    DateField,
    FlagName,
    NumberField,
    Op,
    TextField,
    parse,
)


@pytest.mark.parametrize("field", [*TextField, *NumberField, *DateField])
def test_every_field_is_in_the_help(field):
    assert f"{field.value}:" in help_text()


@pytest.mark.parametrize("flag", list(FlagName))
def test_every_flag_is_in_the_help(flag):
    assert f"is:{flag.value}" in help_text()


def test_operators_aliases_ages_and_grouping_are_in_the_help():
    text = help_text()
    for op in Op:
        assert f":{op.value}" in text
    for alias in FIELD_ALIASES:
        assert f"{alias}:" in text
    for unit in AgeUnit:
        assert any(f"{n}{unit.value}" in text for n in range(1, 10))
    assert " OR " in text and "-(" in text and "YYYY-MM-DD" in text
    assert "a b OR c is a AND (b OR c)" in text  # OR binds tighter than the implicit AND
    assert EXAMPLE in text and "README" in text


def test_every_syntax_shown_is_a_query_the_parser_takes():
    """The help's examples are real queries: a rename in the parser that the help missed fails here."""
    skip = {"YYYY-MM-DD"}
    for section in help_sections():
        for line in section.lines:
            if line.syntax in skip or line.syntax.startswith(":"):
                continue
            for query in line.syntax.split(", "):
                parse(query)  # raises QueryError for anything the parser does not take


def test_list_help_prints_the_syntax(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["list", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--query" in out and "is:extension" in out and "duration:>2:30" in out
    assert "README.md" in out
