"""The query language's words and grammar: text in, a small tree out (see query_eval for what it means).

    query   := and_expr
    and_expr:= or_expr+                      (AND by default between terms)
    or_expr := unary ("OR" unary)*           (OR binds tighter: ``a b OR c`` is a AND (b OR c))
    unary   := "-" unary | "(" and_expr ")" | term
    term    := word | "phrase" | field:value | field:OPvalue | is:flag

A word with a colon is a field term when the part before the colon is letters only;
any other colon (``2:30``) is part of a plain word. A broken query raises
:class:`QueryError` with one sentence saying what is wrong and where (1-based).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..errors import SunoError


class QueryError(SunoError):
    """A query the parser cannot read: the sentence names what is wrong and where."""


class TextField(StrEnum):
    """Fields compared by text: a substring ignoring case and accents (``id``: a prefix)."""

    TITLE = "title"
    STYLE = "style"
    LYRICS = "lyrics"
    MODEL = "model"
    DESCRIPTION = "description"
    ID = "id"
    PLAYLIST = "playlist"  # in a playlist whose name holds the words (Selector's playlists)


class NumberField(StrEnum):
    RATING = "rating"
    DURATION = "duration"  # seconds, or m:ss
    PLAYS = "plays"


class DateField(StrEnum):
    CREATED = "created"
    ADDED = "added"


class Op(StrEnum):
    EQ = "="
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="


class FlagName(StrEnum):
    RATED = "rated"
    EDITED = "edited"
    EXTENSION = "extension"
    FAILED = "failed"
    MISSING = "missing"
    UNPLAYED = "unplayed"


class AgeUnit(StrEnum):
    DAYS = "d"
    WEEKS = "w"
    MONTHS = "m"


@dataclass(frozen=True)
class Age:
    """A relative date: *amount* days, weeks or (calendar) months before now."""

    amount: int
    unit: AgeUnit


@dataclass(frozen=True)
class Term:
    """A plain word or a quoted phrase: a substring of the title, the style or the lyrics."""

    text: str


@dataclass(frozen=True)
class FieldTerm:
    field: TextField
    value: str


@dataclass(frozen=True)
class Compare:
    field: NumberField | DateField
    op: Op
    value: float | date | Age  # a number for NumberField, a day or an Age for DateField


@dataclass(frozen=True)
class Flag:
    name: FlagName


@dataclass(frozen=True)
class Not:
    term: Node


@dataclass(frozen=True)
class And:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Node, ...]


Node = Term | FieldTerm | Compare | Flag | Not | And | Or

#: ``tags`` is another name for ``style`` (the relay's word)
FIELD_ALIASES = {"tags": TextField.STYLE}
ALL_FIELDS = [*TextField, *NumberField, *DateField]
_FIELD_LIST = ", ".join([*(f.value for f in ALL_FIELDS), "tags", "is"])
_OPS = (":>=", ":<=", ":>", ":<", ":=", ":")  # longest first
_DURATION = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)|(\d+(?:\.\d+)?)")
_AGE = re.compile(r"(\d+)([dwm])", re.IGNORECASE)
_FIELD_WORD = re.compile(r"([A-Za-z]+):")


class TokenKind(StrEnum):
    WORD = "word"
    PHRASE = "phrase"
    FIELD = "field"  # field:value as one token
    LPAREN = "("
    RPAREN = ")"
    OR = "OR"
    NOT = "-"


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str  # the word, the phrase's inside, or the field's name
    at: int  # 1-based position in the query
    value: str = ""  # a FIELD's value after the colon (operator included)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(Token(TokenKind(ch), ch, i + 1))
            i += 1
        elif ch == "-" and i + 1 < n and not text[i + 1].isspace():
            tokens.append(Token(TokenKind.NOT, ch, i + 1))
            i += 1
        elif ch == '"':
            inside, i = _quoted(text, i)
            tokens.append(Token(TokenKind.PHRASE, inside, i - len(inside) - 1))
        else:
            token, i = _word(text, i)
            tokens.append(token)
    return tokens


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The inside of the phrase opening at *start*, and where reading goes on."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError(f'The " at {start + 1} is never closed.')
    return text[start + 1 : end], end + 1


def _word(text: str, start: int) -> tuple[Token, int]:
    field = _FIELD_WORD.match(text, start)
    if field is not None:
        name = field.group(1).lower()
        if name not in {f.value for f in ALL_FIELDS} | set(FIELD_ALIASES) | {"is"}:
            raise QueryError(
                f"Unknown field '{field.group(1)}:' at {start + 1} (fields: {_FIELD_LIST};"
                " put a word with a colon in quotes to search for it)."
            )
        i = field.end()
        if i < len(text) and text[i] == '"':
            inside, i = _quoted(text, i)
            return Token(TokenKind.FIELD, name, start + 1, '"' + inside), i
        end = _word_end(text, i)
        return Token(TokenKind.FIELD, name, start + 1, text[i:end]), end
    end = _word_end(text, start)
    word = text[start:end]
    return Token(TokenKind.OR if word == "OR" else TokenKind.WORD, word, start + 1), end


def _word_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace() and text[i] not in '()"':
        i += 1
    return i


def parse(text: str) -> Node:
    """The tree of *text*; an empty query is ``And(())``, which lets every clip through."""
    return _Parser(tokenize(text)).parse_query()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_query(self) -> Node:
        node = self.parse_and()
        token = self.peek()
        if token is not None:  # only a ) stops parse_and early
            raise QueryError(f"The ) at {token.at} has no ( to close.")
        return node

    def parse_and(self) -> Node:
        terms: list[Node] = []
        while (token := self.peek()) is not None and token.kind is not TokenKind.RPAREN:
            terms.append(self.parse_or())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def parse_or(self) -> Node:
        terms = [self.parse_unary()]
        while (token := self.peek()) is not None and token.kind is TokenKind.OR:
            self.pos += 1
            after = self.peek()
            if after is None or after.kind in (TokenKind.OR, TokenKind.RPAREN):
                raise QueryError(f"The OR at {token.at} needs a term after it.")
            terms.append(self.parse_unary())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def parse_unary(self) -> Node:
        token = self.peek()
        assert token is not None  # callers look first
        self.pos += 1
        if token.kind is TokenKind.NOT:
            after = self.peek()
            if after is None or after.kind in (TokenKind.OR, TokenKind.RPAREN):
                raise QueryError(f"The - at {token.at} needs a term or a ( right after it.")
            return Not(self.parse_unary())
        if token.kind is TokenKind.LPAREN:
            inner = self.parse_and()
            close = self.peek()
            if close is None:
                raise QueryError(f"The ( at {token.at} is never closed.")
            self.pos += 1
            if inner == And(()):
                raise QueryError(f"The ( at {token.at} holds nothing.")
            return inner
        if token.kind is TokenKind.OR:
            raise QueryError(f"The OR at {token.at} needs a term before it.")
        if token.kind is TokenKind.FIELD:
            return field_term(token)
        return Term(token.text)


def field_term(token: Token) -> Node:
    """The node of one ``field:value`` token, its value checked here so that errors come before any search."""
    name, raw = token.text, token.value
    if name == "is":
        return _flag(raw, token.at)
    quoted = raw.startswith('"')
    op, value = (Op.EQ, raw[1:]) if quoted else _split_op(raw)
    shown = f"{name}:" if quoted else f"{name}:{raw[: len(raw) - len(value)]}"
    if not value:
        raise QueryError(f"{shown} at {token.at} needs a value.")
    if name in {f.value for f in NumberField}:
        return Compare(NumberField(name), op, _number(NumberField(name), value, shown, token.at))
    if name in {f.value for f in DateField}:
        return Compare(DateField(name), op, _date(value, shown, token.at))
    field = FIELD_ALIASES.get(name) or TextField(name)
    return FieldTerm(field, raw[1:] if quoted else raw)


def _split_op(raw: str) -> tuple[Op, str]:
    for op in _OPS[:-1]:
        if raw.startswith(op[1:]):
            return Op(op[1:]), raw[len(op) - 1 :]
    return Op.EQ, raw


def _flag(raw: str, at: int) -> Flag:
    try:
        return Flag(FlagName(raw.lower()))
    except ValueError:
        flags = ", ".join(f.value for f in FlagName)
        what = f"'is:{raw}'" if raw else "is:"
        raise QueryError(f"Unknown flag {what} at {at} (flags: {flags}).") from None


def _number(field: NumberField, value: str, shown: str, at: int) -> float:
    if field is NumberField.DURATION:
        seconds = parse_duration(value)
        if seconds is None:
            raise QueryError(f"{shown}{value} at {at} needs seconds or m:ss (like 150 or 2:30).")
        return seconds
    if not value.isdigit():
        raise QueryError(f"{shown}{value} at {at} needs a whole number.")
    return float(value)


def parse_duration(value: str) -> float | None:
    """Seconds from "150", "2:30" or "1:02:30"; None for anything else."""
    match = _DURATION.fullmatch(value)
    if match is None:
        return None
    hours, minutes, seconds, plain = match.groups()
    if plain is not None:
        return float(plain)
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def _date(value: str, shown: str, at: int) -> date | Age:
    age = _AGE.fullmatch(value)
    if age is not None:
        return Age(int(age.group(1)), AgeUnit(age.group(2).lower()))
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _bad_date(shown, value, at)
    except ValueError:
        return _bad_date(shown, value, at)


def _bad_date(shown: str, value: str, at: int) -> date:
    raise QueryError(f"{shown}{value} at {at} needs a date (YYYY-MM-DD) or an age (like 7d, 2w, 3m).")
