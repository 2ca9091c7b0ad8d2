"""`manage.py bench_sending`: sending throughput against a local SMTP sink. Not product code."""
