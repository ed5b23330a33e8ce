"""Text that came from a relay, made safe to keep, show, log and print.

A relay is somebody else's server: a title can carry terminal escape sequences
(``ESC ] 0; … BEL`` retitles a terminal, ``ESC [2J`` clears it, a newline forges a
line of output), a ``fail_reason`` can echo the user's token back, and any field
can be 20 MB long. Everything a relay says passes through here before it is
stored, so the library only ever holds clean, bounded text with the token masked;
:func:`terminal_line` is what the command line wraps around whatever it prints on
one line.
"""

from __future__ import annotations

import re
from typing import Any

#: what a masked token reads as
TOKEN_MASK = "••••"
#: what a character that must not reach a screen is replaced by
REPLACEMENT = "\ufffd"
#: how a cut text ends
ELLIPSIS = "…"
#: a token shorter than this is only masked where it stands alone (a one-letter test token must not eat words)
SHORT_TOKEN = 8

# C1 controls, DEL, bidirectional overrides/isolates/marks, line and paragraph separators,
# and lone surrogates (which no file, tag or database can hold); with the C0 controls below.
_UNSAFE_ABOVE_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_CHARACTER = re.compile(f"[\x00-\x1f{_UNSAFE_ABOVE_C0}]")
#: in multi-line text the tab and the line feed stay
_UNSAFE_IN_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f{_UNSAFE_ABOVE_C0}]")
#: breaks a single line turns into a space rather than a replacement character
_LINE_BREAKS = re.compile("\r\n|[\t\n\v\f\r\x85\u2028\u2029]")
#: in multi-line text: every line break becomes "\n"
_BLOCK_BREAKS = re.compile("\r\n|[\v\f\r\x85\u2028\u2029]")


def terminal_line(text: object) -> str:
    """*text* as one clean line: breaks and tabs become spaces, other controls U+FFFD.

    Whatever a relay sent (or a library that kept it holds) is printed through this
    so it can neither move the cursor, retitle or clear the terminal, nor start a line of its own.
    """
    text = "" if text is None else str(text)
    return _UNSAFE_CHARACTER.sub(REPLACEMENT, _LINE_BREAKS.sub(" ", text))


def terminal_block(text: object) -> str:
    """*text* with its line breaks kept as "\\n" (lyrics) and every other control replaced by U+FFFD."""
    text = "" if text is None else str(text)
    return _UNSAFE_IN_BLOCK.sub(REPLACEMENT, _BLOCK_BREAKS.sub("\n", text))


def cut(text: str, limit: int) -> str:
    """*text* at most *limit* characters long, ending in "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def plain_text(value: Any) -> str:
    """A relay's value as text: strings trimmed, numbers written out, anything else (null, lists, objects) empty."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer too long to write out (over 4,300 digits)
            return ""
    return ""


class RelayTextCleaner:
    """Cleans, bounds and masks the text of one relay's answers; knows the token it must mask."""

    def __init__(self, token: str = "") -> None:
        self._token = token
        if token and len(token) < SHORT_TOKEN:
            self._pattern: re.Pattern[str] | None = re.compile(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])")
        else:
            self._pattern = None

    def __repr__(self) -> str:  # the token must never show in a log or traceback
        return "RelayTextCleaner(•••)"

    def mask(self, text: str) -> str:
        """*text* with every repetition of the token replaced by ••••."""
        if not self._token or self._token not in text:
            return text
        if self._pattern is not None:
            return self._pattern.sub(TOKEN_MASK, text)
        return text.replace(self._token, TOKEN_MASK)

    def echoed_in(self, content: bytes) -> bool:
        """Whether a relay's raw answer repeats the token somewhere (the common case, no, costs one search)."""
        return bool(self._token) and self._token.encode() in content

    def mask_strings(self, value: Any) -> None:
        """Mask the token in every string inside decoded JSON *value*, in place, so the raw JSON kept holds none.

        Walked without recursion: however deep the decoder let it be, this cannot overflow.
        """
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                slots: Any = list(item.items())
            elif isinstance(item, list):
                slots = list(enumerate(item))
            else:
                continue
            for slot, child in slots:
                if isinstance(child, str):
                    item[slot] = self.mask(child)
                elif isinstance(child, (dict, list)):
                    stack.append(child)

    def line(self, value: Any, limit: int) -> str:
        """A one-line field (title, tags, a reason): masked, cleaned and at most *limit* characters."""
        return cut(terminal_line(self.mask(self._head(value, limit))), limit)

    def block(self, value: Any, limit: int) -> str:
        """A multi-line field (lyrics, a prompt): line breaks kept, otherwise as :meth:`line`."""
        return cut(terminal_block(self.mask(self._head(value, limit))), limit)

    def _head(self, value: Any, limit: int) -> str:
        """The part of *value* that can show once cut: enough to still find a token across the cut."""
        return plain_text(value)[: limit + len(self._token) + 1]
