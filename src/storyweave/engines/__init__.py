"""Engines that run the pipeline: `local` (in process) and `ray` (parses spread over a Ray cluster)."""
