"""apikeys.signing: CONTRACT §4 byte for byte, with fixed vectors computed independently."""
import hashlib
import hmac

import pytest

from apikeys import signing
from tests.apikeys.test_keys import VECTOR_KEY

POST_STRING_TO_SIGN = (
    "POST\n"
    "/v1/orders\n"
    "a=0&a=1&b=2&c=hello%20world&d=~\n"
    "1700000000\n"
    "nonce-0123456789AB\n"
    "74ad47c87bd33b51cde180c1321c3e0ce0644aec05d99f681bc13eefa539b213"  # sha256(b'{"supplier": 1}')
)
POST_SIGNATURE = "8fbcc9fe404c0c5e018bc5608bfc741cca894d5375593ba018afbca7f8136095"
GET_STRING_TO_SIGN = (
    "GET\n/v1/profile\n\n1700000000\nabcdefghijklmnop\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # sha256(b"")
)
GET_SIGNATURE = "1b007c666030d35fc85eb64e6a2cecdc0a9be153180278c5d6cb2af543cc30b9"


def test_post_vector():
    message = signing.string_to_sign("post", "/v1/orders", "b=2&a=1&c=hello+world&d=%7e&a=0", 1700000000,
                                     "nonce-0123456789AB", b'{"supplier": 1}')
    assert message == POST_STRING_TO_SIGN
    assert hashlib.sha256(b'{"supplier": 1}').hexdigest() == POST_STRING_TO_SIGN.rsplit("\n", 1)[1]
    expected = hmac.new(VECTOR_KEY.encode(), POST_STRING_TO_SIGN.encode(), hashlib.sha256).hexdigest()
    assert expected == POST_SIGNATURE
    assert signing.sign(VECTOR_KEY, message) == POST_SIGNATURE


def test_get_vector_with_empty_query_and_body():
    message = signing.string_to_sign("GET", "/v1/profile", "", 1700000000, "abcdefghijklmnop", b"")
    assert message == GET_STRING_TO_SIGN
    assert signing.sign(VECTOR_KEY, message) == GET_SIGNATURE
    assert signing.authorization_header("key_7R0QP2YTJOxbYtLzOXU80F", VECTOR_KEY, "GET", "/v1/profile", "", b"",
                                        1700000000, "abcdefghijklmnop") == (
        "PC-HMAC-SHA256 KeyId=key_7R0QP2YTJOxbYtLzOXU80F, Timestamp=1700000000, "
        f"Nonce=abcdefghijklmnop, Signature={GET_SIGNATURE}"
    )


@pytest.mark.parametrize("query, canonical", [
    ("", ""),
    ("a=1", "a=1"),
    ("b=2&a=1", "a=1&b=2"),
    ("a=2&a=10&a=1", "a=1&a=10&a=2"),                 # byte order, not numeric
    ("q=hello+world", "q=hello%20world"),             # + is a space, a space is %20
    ("q=hello%20world", "q=hello%20world"),
    ("q=a%2Bb", "q=a%2Bb"),                           # an encoded + stays a +
    ("tilde=%7E&dash=-&dot=.&under=_", "dash=-&dot=.&tilde=~&under=_"),
    ("e=%C3%A9", "e=%C3%A9"),
    ("e=%c3%a9", "e=%C3%A9"),                         # hex re-encoded upper case
    ("flag&x=", "flag=&x="),
    ("a=1&&b=2&", "a=1&b=2"),
    ("k=v=w", "k=v%3Dw"),
    ("%F0%9F%98%80=smile", "%F0%9F%98%80=smile"),
    ("Z=1&a=1&_=1", "Z=1&_=1&a=1"),                   # upper case sorts before _ before lower case
    ("s=%2F%3F%26", "s=%2F%3F%26"),
    ("s=/?&t=1", "s=%2F%3F&t=1"),
])
def test_canonical_query(query, canonical):
    assert signing.canonical_query(query) == canonical


def test_canonical_query_is_byte_exact_for_raw_bytes():
    assert signing.canonical_query(b"x=\xff") == "x=%FF"


@pytest.mark.parametrize("header, problem", [
    ("KeyId=k, Timestamp=1, Nonce=abcdefghijklmnop", "missing field Signature"),
    ("KeyId=k, KeyId=k, Timestamp=1, Nonce=abcdefghijklmnop, Signature=" + "0" * 64, "duplicated field KeyId"),
    ("KeyId=k, Timestamp=1, Nonce=abcdefghijklmnop, Signature=" + "0" * 64 + ", Extra=1", "unknown field Extra"),
    ("KeyId=k, Timestamp=soon, Nonce=abcdefghijklmnop, Signature=" + "0" * 64, "Timestamp"),
    ("KeyId=k, Timestamp=-5, Nonce=abcdefghijklmnop, Signature=" + "0" * 64, "Timestamp"),
    ("KeyId=k, Timestamp=1.5, Nonce=abcdefghijklmnop, Signature=" + "0" * 64, "Timestamp"),
    ("KeyId=k, Timestamp=1, Nonce=short, Signature=" + "0" * 64, "Nonce"),
    ("KeyId=k, Timestamp=1, Nonce=has.dots.in.it.xx, Signature=" + "0" * 64, "Nonce"),
    ("KeyId=k, Timestamp=1, Nonce=" + "a" * 65 + ", Signature=" + "0" * 64, "Nonce"),
    ("KeyId=k, Timestamp=1, Nonce=abcdefghijklmnop, Signature=" + "A" * 64, "Signature"),
    ("KeyId=k, Timestamp=1, Nonce=abcdefghijklmnop, Signature=abc", "Signature"),
    ("KeyId=k Timestamp=1", "fields"),
    ("", "empty field"),
    ("KeyId=k,, Timestamp=1", "empty field"),
])
def test_malformed_headers_name_the_problem(header, problem):
    with pytest.raises(signing.MalformedSignatureHeader, match=problem):
        signing.parse_header(header)


def test_parse_header_round_trip():
    value = signing.authorization_header("key_x", VECTOR_KEY, "GET", "/v1/profile", "", b"", 1700000000, "n" * 16)
    scheme, _, rest = value.partition(" ")
    parsed = signing.parse_header(rest)
    assert scheme == signing.SCHEME
    assert parsed == signing.SignatureHeader("key_x", 1700000000, "n" * 16, parsed.signature)
    assert signing.verify(VECTOR_KEY, parsed, "GET", "/v1/profile", "", b"")
    assert not signing.verify(VECTOR_KEY, parsed, "GET", "/v1/profile", "", b"x")


def test_new_nonces_are_valid_and_distinct():
    nonces = {signing.new_nonce() for _ in range(100)}
    assert len(nonces) == 100
    assert all(signing.NONCE_PATTERN.match(n) for n in nonces)


@pytest.mark.parametrize("path, normalized", [
    ("/v1/orders", "/v1/orders"),
    ("/v1/a%2Fb", "/v1/a%2Fb"),
    ("/v1/a b", "/v1/a%20b"),
    ("/v1/é", "/v1/%C3%A9"),
])
def test_paths_are_signed_percent_encoded_as_sent(path, normalized):
    assert signing.normalize_path(path) == normalized
