"""What the CLI prints and exports: the run as tables and JSON, the findings export."""
