"""`manage.py bench_sending`: sending throughput against a local SMTP sink (`sending.py`, with
its sink in `sink.py`). Not product code."""
