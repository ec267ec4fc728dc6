"""Page tokens are decoded before any query: only a token we did not issue reads as a bad page_token."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from satmon_core.errors import InvalidArgument
from satmon_core.job_queries import PageCursor, decode_page_token, encode_page_token

CREATED = datetime(2026, 12, 5, 6, 0, tzinfo=timezone.utc)


def test_a_token_we_issued_decodes_to_its_cursor():
    assert decode_page_token(encode_page_token(CREATED, "42"), numeric_key=True) == PageCursor(CREATED, "42")
    assert decode_page_token("") is None


@pytest.mark.parametrize("token", ["not-base64!", "bm90IGpzb24=", encode_page_token(CREATED, "job-7")])
def test_anything_else_is_invalid_argument_naming_page_token(token):
    with pytest.raises(InvalidArgument) as info:
        decode_page_token(token, numeric_key=True)
    assert [field for field, _ in info.value.violations] == ["page_token"]
