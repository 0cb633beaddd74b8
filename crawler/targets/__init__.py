"""The targets file: which sites, accounts and 政务公开 units to inspect.

Parsed with pydantic at the edge and turned into the frozen ``rules`` values. The file has
one module per section:

- top-level keys ``version``, ``profile``, ``rsshub``, ``weibo_api`` — ``loading``, which also
  reads and validates the whole file and loads the rule profiles (``Targets``);
- ``sites:`` and their columns — ``sites``;
- ``accounts:`` (new-media accounts and their sources) — ``accounts``;
- ``units:`` (政务公开 units and their columns) — ``units``;
- ``report:`` (what the notice says of its office) — ``report``.

``base`` holds what the sections share: the field checks, column ids, profile references and
the one error::

    TargetsError    the file is missing, unreadable or invalid

Every problem is a ``TargetsError`` line that names the file, the path inside it
(``sites[3].columns[2].url``) and what to do.
"""

from crawler.targets.accounts import PLATFORM_ALIASES, AccountTarget
from crawler.targets.base import CATEGORY_ALIASES, TargetsError
from crawler.targets.loading import DEFAULT_PROFILE, Targets, load_targets, parse_targets
from crawler.targets.units import LEVEL_ALIASES

__all__ = [
    "CATEGORY_ALIASES",
    "DEFAULT_PROFILE",
    "LEVEL_ALIASES",
    "PLATFORM_ALIASES",
    "AccountTarget",
    "Targets",
    "TargetsError",
    "load_targets",
    "parse_targets",
]
