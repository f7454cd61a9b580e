"""gunicorn settings for production; override with GUNICORN_CMD_ARGS or environment variables."""

import multiprocessing
import os

bind = os.environ.get("DEPOMI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DEPOMI_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("DEPOMI_THREADS", 4))
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("DEPOMI_FORWARDED_ALLOW_IPS", "127.0.0.1")
