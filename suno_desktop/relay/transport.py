"""What went wrong on the way to the relay, read from requests' exception and its causes.

Fetches and submits word the failures differently (a submit must say whether
anything can have been sent), but they tell them apart in one place.
"""

from __future__ import annotations

from enum import Enum

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
