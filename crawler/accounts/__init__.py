"""New-media accounts: the platform readers and the crawl of account sources."""
