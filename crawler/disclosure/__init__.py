"""政务公开专栏: reading the units' disclosure columns page by page, and their export section."""
