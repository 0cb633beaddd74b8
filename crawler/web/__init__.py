"""The read-only dashboard: crawl serve (docs/operations.md)."""
