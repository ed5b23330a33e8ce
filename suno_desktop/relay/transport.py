"""What went wrong on the way to the relay, read from requests' exception and its causes; reading its answers.

Fetches and submits word the failures differently (a submit must say whether
anything can have been sent), but they tell them apart in one place. Answers are
read here too, bounded: a relay's body is inflated and counted chunk by chunk and
decoded without letting a deep or huge value raise anything but "unreadable".
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import requests
import urllib3.exceptions

from ..errors import causes_of


class TransportFailure(Enum):
    """How a request to the relay failed before any answer came."""

    UNUSABLE_URL = "unusable_url"  # requests refused the address before sending anything
    UNUSABLE_HEADER = "unusable_header"  # the token cannot go in a header
    DNS = "dns"
    REFUSED = "refused"
    PROXY = "proxy"
    TLS = "tls"
    UNREACHABLE = "unreachable"  # no connection could be made
    CONNECT_TIMEOUT = "connect_timeout"
    READ_TIMEOUT = "read_timeout"  # sent, and no answer in time
    BROKEN_ANSWER = "broken_answer"  # the answer's body broke off
    DROPPED = "dropped"  # reset, aborted, closed without an answer
    OTHER = "other"


def transport_failure(error: requests.RequestException) -> TransportFailure:
    """The failure *error* stands for; the first match wins, most specific first."""
    exceptions = requests.exceptions
    causes = list(causes_of(error))

    def has(*kinds: type[BaseException]) -> bool:
        return any(isinstance(cause, kinds) for cause in causes)

    if isinstance(error, (exceptions.InvalidURL, exceptions.InvalidSchema, exceptions.MissingSchema)):
        return TransportFailure.UNUSABLE_URL
    if isinstance(error, exceptions.InvalidHeader):
        return TransportFailure.UNUSABLE_HEADER
    if has(urllib3.exceptions.NameResolutionError):
        return TransportFailure.DNS
    if has(ConnectionRefusedError):
        return TransportFailure.REFUSED
    if has(urllib3.exceptions.ProxyError) or isinstance(error, exceptions.ProxyError):
        return TransportFailure.PROXY
    if has(urllib3.exceptions.SSLError) or isinstance(error, exceptions.SSLError):
        return TransportFailure.TLS
    if has(urllib3.exceptions.NewConnectionError):
        return TransportFailure.UNREACHABLE
    if has(urllib3.exceptions.ConnectTimeoutError) or isinstance(error, exceptions.ConnectTimeout):
        return TransportFailure.CONNECT_TIMEOUT
    if has(urllib3.exceptions.ReadTimeoutError) or isinstance(error, exceptions.ReadTimeout):
        return TransportFailure.READ_TIMEOUT
    if isinstance(error, (exceptions.ChunkedEncodingError, exceptions.ContentDecodingError)):
        return TransportFailure.BROKEN_ANSWER
    if has(urllib3.exceptions.ProtocolError, ConnectionError):
        return TransportFailure.DROPPED
    return TransportFailure.OTHER


def fetch_failure_sentence(failure: TransportFailure, host: str, timeout: tuple[float, float], error_name: str) -> str:
    """The sentence for a fetch that failed on the way (a submit words its failures itself)."""
    connect_timeout, read_timeout = timeout
    sentences = {
        TransportFailure.DNS: (
            f"The relay host {host} could not be found (DNS lookup failed). "
            "Check the relay URL in Settings and your internet connection."
        ),
        TransportFailure.REFUSED: (
            f"The relay at {host} refused the connection. "
            "Check that the relay URL (including the port) is right and the relay is running."
        ),
        TransportFailure.PROXY: (
            f"The proxy between this computer and the relay at {host} failed; check your proxy settings."
        ),
        TransportFailure.TLS: (
            f"A secure connection to the relay at {host} could not be made "
            "(certificate or TLS problem). Check the relay URL, or try again later."
        ),
        TransportFailure.UNREACHABLE: (
            f"The relay at {host} could not be reached. Check the relay URL in Settings and your internet connection."
        ),
        TransportFailure.CONNECT_TIMEOUT: (
            f"The relay at {host} did not accept a connection within {connect_timeout:g} s. "
            "Check your internet connection, or try again later."
        ),
        TransportFailure.READ_TIMEOUT: (
            f"The relay at {host} did not answer within {read_timeout:g} s; it may be overloaded. Try again later."
        ),
        TransportFailure.BROKEN_ANSWER: (
            f"The connection to the relay at {host} broke while it was answering. Try again later."
        ),
        TransportFailure.DROPPED: (
            f"The relay at {host} closed the connection without answering. "
            "Try again later; if it keeps happening, check the relay URL."
        ),
    }
    return sentences.get(failure, f"The relay at {host} could not be reached ({error_name}). Try again later.")


# --------------------------------------------------------------------------- answers

#: the most an API answer may take once decompressed; a relay's real answers are far smaller
MAX_ANSWER_BYTES = 64 * 1024 * 1024
READ_CHUNK = 64 * 1024
#: an integer with more digits is read as a float (infinite): Python refuses to read one over 4,300
MAX_INTEGER_DIGITS = 4_000


class AnswerTooLarge(Exception):
    """An answer that grew beyond :data:`MAX_ANSWER_BYTES` once decompressed; nothing of it is kept."""


def read_answer(response: requests.Response, limit: int = MAX_ANSWER_BYTES) -> None:
    """Read a streamed (``stream=True``) *response*'s body, decompressed, into ``response.content``.

    Counts the bytes as they are inflated and stops at *limit*, so a 1 MB gzip body
    that inflates to 1 GB costs no more than *limit* of memory. Raises
    :class:`AnswerTooLarge` (the connection closed) beyond it; transport failures
    while reading are requests' own exceptions.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(READ_CHUNK):
            size += len(chunk)
            if size > limit:
                chunks.clear()
                raise AnswerTooLarge(f"more than {limit} bytes")
            chunks.append(chunk)
    finally:
        if size > limit:
            response.close()
    # requests reads a body into these two attributes itself; filled here, .content and .json() work as usual
    response._content = b"".join(chunks)
    response._content_consumed = True


def _bounded_int(digits: str) -> int | float:
    return int(digits) if len(digits) <= MAX_INTEGER_DIGITS else float(digits)


class UnreadableJson(Enum):
    """Why an answer's body gave no JSON value."""

    EMPTY = "empty"
    NOT_JSON = "not_json"
    TOO_DEEP = "too_deep"  # nested deeper than the decoder can go


def decode_json(response: requests.Response) -> tuple[Any, UnreadableJson | None]:
    """The JSON value of *response*'s body, or None and why there is none.

    Huge integers read as floats (a relay's 5,000-digit number must not make the whole
    answer unreadable), and nesting too deep for the decoder is an answer that cannot
    be read rather than a ``RecursionError``.
    """
    if not response.content:
        return None, UnreadableJson.EMPTY
    try:
        return response.json(parse_int=_bounded_int), None
    except RecursionError:
        return None, UnreadableJson.TOO_DEEP
    except ValueError:
        return None, UnreadableJson.NOT_JSON
