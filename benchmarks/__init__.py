"""The benchmark harness and its helpers (run with `python benchmarks/run.py` or `make bench`)."""
