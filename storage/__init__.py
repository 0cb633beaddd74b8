"""Storage: models, engine, writes and the fact queries the rules need. Knows no HTTP."""
