"""The site crawl: the run over pages, judging, probes, IPv6, link checks and column discovery."""
