"""Unattended operation: the crawl jobs, the nightly scheduler and the distributed workers."""
