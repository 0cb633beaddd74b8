"""严重表述错误 and 错别字 in government page text, from a curated list shipped as data.

Inspection notices count wrong names of the state and its organs, wrong standard political
formulations, misspelt leaders' names and common 错别字. A wrong flag costs an office's trust
more than a missed typo, so this is a list, not a model: every entry in ``wording.yaml`` is a
wrong form that correct text does not contain (checked against laws, news text and saved
pages: ``scripts/bench-wording``), with its correction, its kind and where the right form is
laid down. Where the characters are right in some surroundings (全部暑假 is not 部署 misspelt)
the entry says so with lookarounds or a context regex.

- ``model``: ``WordingEntry``, ``TitleHolder``, ``WordingHit``
- ``check``: ``WordingList`` (compiled once) and ``check_text``
- ``load``: ``load_wording`` (the bundled list plus an office's own YAML) and its errors

Errors::

    WordingError          anything wrong with a wording list
    └── WordingFileError  a wording file that cannot be used: .path, .problems (item, field)

Checking never raises on any text.
"""

from __future__ import annotations

from crawler.extract.wording.check import MAX_HITS, WordingList, check_text, normalise
from crawler.extract.wording.load import (
    WordingError,
    WordingFileError,
    load_wording,
    parse_wording,
)
from crawler.extract.wording.model import KINDS, Kind, TitleHolder, WordingEntry, WordingHit

__all__ = [
    "KINDS",
    "MAX_HITS",
    "Kind",
    "TitleHolder",
    "WordingEntry",
    "WordingError",
    "WordingFileError",
    "WordingHit",
    "WordingList",
    "check_text",
    "load_wording",
    "normalise",
    "parse_wording",
]
