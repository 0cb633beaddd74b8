"""Who may look at the dashboard: a token (any user name) or a user and password."""

from __future__ import annotations

import base64

from crawler.web.app import Auth


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_a_token_as_password_or_bearer() -> None:
    auth = Auth(token="t0k")
    assert auth.allows(basic("anyone", "t0k"))
    assert auth.allows("Bearer t0k")
    assert not auth.allows(basic("anyone", "nope"))
    assert not auth.allows("Bearer nope")
    assert not auth.allows(None)
    assert not auth.allows("Basic !!!not-base64")


def test_a_user_and_password() -> None:
    auth = Auth(user="office", password="pw")
    assert auth.allows(basic("office", "pw"))
    assert not auth.allows(basic("other", "pw"))
    assert not auth.allows(basic("office", "wrong"))
    assert not auth.allows("Bearer pw")
