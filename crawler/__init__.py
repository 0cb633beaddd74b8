"""Fetching, extraction, the runner, the scheduler and the CLI: where the layers meet."""
