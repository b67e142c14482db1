"""Reading the Authorization header once, the same way for every authentication class."""
from __future__ import annotations

from procure_core.errors import Unauthorized

MAX_HEADER_LENGTH = 8192


def authorization(request) -> tuple[str, str] | None:
    """(scheme, credentials) of the Authorization header, or None when there is none.

    A header that is too long or not printable ASCII is refused here, before any class looks at it.
    """
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    if isinstance(header, bytes):
        try:
            header = header.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise Unauthorized("The Authorization header is malformed.")
    if len(header) > MAX_HEADER_LENGTH:
        raise Unauthorized("The Authorization header is too long.")
    if not header.isascii() or not header.isprintable():
        raise Unauthorized("The Authorization header must be printable ASCII.")
    header = header.strip()
    if not header:
        raise Unauthorized("The Authorization header is empty.")
    scheme, _, rest = header.partition(" ")
    return scheme, rest.strip()


def bearer_token(request) -> str | None:
    """The Bearer token, or None when the header is absent or uses another scheme."""
    parsed = authorization(request)
    if parsed is None or parsed[0].lower() != "bearer":
        return None
    token = parsed[1]
    if not token or " " in token:
        raise Unauthorized("The Authorization header must be 'Bearer <token>'.")
    return token
