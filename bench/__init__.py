"""Benchmarks and the scale dataset: run as scripts (`python bench/run.py`), never packaged."""
