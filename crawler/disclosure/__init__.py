"""Columns read page by page back to the period start: the 政务公开 units' (``crawl``) and the
portal's (``portal``: section 二 of the notice)."""
