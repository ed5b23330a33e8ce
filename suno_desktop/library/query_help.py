"""The query language's syntax as a short help, for the window's "?" and ``list --help``.

The fields, comparisons, flags and date units are read from the parser's own enums,
so a field added there shows up here (with a plain meaning until one is written).
Qt-free: the window renders the same sections as rich text.
"""

from __future__ import annotations

from dataclasses import dataclass

from .query_parse import FIELD_ALIASES, AgeUnit, DateField, FlagName, NumberField, Op, TextField

#: the example the README and the help share
EXAMPLE = "neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30"
EXAMPLE_MEANING = '"neon", no extension, 4 stars or more or over 3 plays, longer than 2:30'
README_SECTION = 'README.md, "Queries"'


@dataclass(frozen=True)
class HelpLine:
    """One thing to type and what it finds."""

    syntax: str
    meaning: str


@dataclass(frozen=True)
class HelpSection:
    title: str
    lines: tuple[HelpLine, ...]


_TEXT_MEANINGS = {
    TextField.TITLE: "in the title",
    TextField.STYLE: "in the style",
    TextField.LYRICS: "in the lyrics",
    TextField.MODEL: "in the model's name (chirp-v4 …)",
    TextField.DESCRIPTION: "in the description prompt",
    TextField.ID: "the clip's or the task's id starts with it",
    TextField.PLAYLIST: "in a playlist whose name holds the words",
}
_TEXT_SAMPLES = {
    TextField.TITLE: "neon",
    TextField.STYLE: "synthwave",
    TextField.LYRICS: '"city lights"',
    TextField.MODEL: "v4",
    TextField.DESCRIPTION: "night",
    TextField.ID: "3f2a9c01",
    TextField.PLAYLIST: "road",
}
_COMPARE_LINES = {
    NumberField.RATING: ("rating:>=4", "stars, 0–5 (0: not rated)"),
    NumberField.DURATION: ("duration:>2:30", "length in seconds or m:ss (150 or 2:30)"),
    NumberField.PLAYS: ("plays:>3", "times played"),
    DateField.CREATED: ("created:2026-05-01", "made on that day"),
    DateField.ADDED: ("added:7d", "added to the library in the last 7 days"),
}
_FLAG_MEANINGS = {
    FlagName.RATED: "has a rating",
    FlagName.EDITED: "has a title, style, lyrics or description of your own",
    FlagName.EXTENSION: "extends another clip",
    FlagName.FAILED: "failed to generate or download",
    FlagName.MISSING: "its file is gone from the folder",
    FlagName.UNPLAYED: "never played",
}
_OP_WORDS = {Op.EQ: "equal", Op.GT: "more", Op.GE: "at least", Op.LT: "less", Op.LE: "at most"}
_AGE_SAMPLES = {AgeUnit.DAYS: (7, "days"), AgeUnit.WEEKS: (2, "weeks"), AgeUnit.MONTHS: (3, "months")}


def operators() -> str:
    """The comparison operators as typed after the field's name: ``:`` ``:=`` ``:>`` …"""
    return " ".join([":", *(f":{op.value}" for op in Op)])


def _aliases_of(field: TextField) -> list[str]:
    return [alias for alias, target in FIELD_ALIASES.items() if target is field]


def _text_line(field: TextField) -> HelpLine:
    meaning = _TEXT_MEANINGS.get(field, f"in the {field.value}")
    aliases = _aliases_of(field)
    if aliases:
        meaning += "; " + ", ".join(f"{alias}:" for alias in aliases) + f" is the same as {field.value}:"
    return HelpLine(f"{field.value}:{_TEXT_SAMPLES.get(field, 'word')}", meaning)


def _compare_line(field: NumberField | DateField) -> HelpLine:
    syntax, meaning = _COMPARE_LINES.get(field, (f"{field.value}:>1", f"compares the {field.value}"))
    return HelpLine(syntax, meaning)


def help_sections() -> tuple[HelpSection, ...]:
    """The whole syntax, section by section."""
    ages = [(unit, *_AGE_SAMPLES.get(unit, (1, unit.name.lower()))) for unit in AgeUnit]
    return (
        HelpSection(
            "Words",
            (
                HelpLine("neon highway", "each word in the title, style or lyrics (any case, accents ignored)"),
                HelpLine('"neon highway"', "that exact phrase"),
            ),
        ),
        HelpSection("Fields", tuple(_text_line(f) for f in TextField)),
        HelpSection(
            "Comparisons",
            (
                *(_compare_line(f) for f in [*NumberField, *DateField]),
                HelpLine(
                    operators(),
                    ", ".join(f":{op.value} {_OP_WORDS.get(op, op.name.lower())}" for op in Op) + " (: is :=)",
                ),
            ),
        ),
        HelpSection(
            "Dates",
            (
                HelpLine("YYYY-MM-DD", "that whole day (UTC): created:>=2026-05-01 is from May 1st on"),
                HelpLine(
                    ", ".join(f"{n}{unit.value}" for unit, n, _ in ages),
                    ", ".join(f"{n} {words}" for _, n, words in ages)
                    + " ago: added:2w is the last 2 weeks, added:<2w before",
                ),
            ),
        ),
        HelpSection("Flags", tuple(HelpLine(f"is:{f.value}", _FLAG_MEANINGS.get(f, f.value)) for f in FlagName)),
        HelpSection(
            "Combining",
            (
                HelpLine("neon drive", "both (AND is the default between terms)"),
                HelpLine("neon OR drive", "either; OR binds tighter: a b OR c is a AND (b OR c)"),
                HelpLine("-is:extension  -(a b)", "- negates a term or a group"),
                HelpLine("(a OR b) c", "parentheses group"),
            ),
        ),
        HelpSection("Example", (HelpLine(EXAMPLE, EXAMPLE_MEANING),)),
    )


def help_text(width: int = 24) -> str:
    """The syntax as plain text, one line per item (``list --help``'s epilog)."""
    out = ["Query syntax (--query), more in " + README_SECTION + ":"]
    for section in help_sections():
        out.append(f"  {section.title}:")
        for line in section.lines:
            if len(line.syntax) < width:
                out.append(f"    {line.syntax.ljust(width)}{line.meaning}")
            else:
                out.extend((f"    {line.syntax}", f"    {' ' * width}{line.meaning}"))
    return "\n".join(out)
