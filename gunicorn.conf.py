"""gunicorn settings for production; override with GUNICORN_CMD_ARGS or environment variables.

The application is loaded once in the master before the workers fork (preload_app), so workers
share its pages (memory) and start at once. Restarts without dropping a request: `kill -HUP
<master pid>` starts new workers with the new configuration, then stops the old ones gracefully
(each finishes its requests, for up to graceful_timeout); with the application preloaded they
run the code the master loaded, so new code needs `kill -USR2` (a new master beside the old one)
then `-WINCH`/`-QUIT` on the old master, or DEPOMI_PRELOAD=0 to have HUP load it in each new
worker. `kill -TERM` stops gracefully. The pid is in DEPOMI_PIDFILE when set.
"""

import ctypes
import ctypes.util
import gc
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
# The master imports the application; workers share its pages copy-on-write. It opens no
# database connection (create_app does no database work), so no socket is shared across a fork.
preload_app = os.environ.get("DEPOMI_PRELOAD", "1") != "0"

# glibc raises its mmap threshold each time a large block mmapped is freed, so after the first
# password hash (ARGON2_MEMORY_KIB at once) every later one comes from a thread's heap arena,
# which keeps it: each thread that once hashed held 19 MiB for good. A fixed threshold (which
# also stops the raising) returns every such block to the system when the hash ends. Set in
# the master, inherited by the workers it forks.
M_MMAP_THRESHOLD = -3
_libc_name = ctypes.util.find_library("c")
if _libc_name and "musl" not in _libc_name:
    _libc = ctypes.CDLL(_libc_name)
    if hasattr(_libc, "mallopt"):
        _libc.mallopt(M_MMAP_THRESHOLD, 128 * 1024)
# The application logs one line per request itself, with its request id and duration
# (depomi_learn/logs.py); gunicorn's own lines are JSON too when the application's are.
accesslog = os.environ.get("DEPOMI_ACCESS_LOG") or None
pidfile = os.environ.get("DEPOMI_PIDFILE") or None
production = os.environ.get("DEPOMI_ENV") == "production"
if (os.environ.get("DEPOMI_LOG_FORMAT") or ("json" if production else "text")) == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "depomi_learn.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            # Off unless DEPOMI_ACCESS_LOG is set: the application's own line has the request id.
            "gunicorn.access": {
                "level": "INFO" if accesslog else "WARNING",
                "handlers": ["console"] if accesslog else [],
                "propagate": False,
            },
        },
    }
forwarded_allow_ips = os.environ.get("DEPOMI_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), so a
# second instance on the machine (staging beside production, a bench beside the server) would
# take over the first one's. Unless a path is given (DEPOMI_CONTROL_SOCKET, or --control-socket),
# each instance gets its own in the instance folder, named after the addresses it binds (known
# only once the command line is read, hence the hook); DEPOMI_CONTROL_SOCKET=off disables it.
_control = os.environ.get("DEPOMI_CONTROL_SOCKET", "")
if _control == "off":
    control_socket_disable = True
elif _control:
    control_socket = _control


def when_ready(server):
    # Objects loaded by the master stay out of the collector's reach, so a worker's collections
    # do not write to (and so copy) the pages it shares with the master.
    if server.cfg.preload_app:
        gc.freeze()


def on_starting(server):
    setting = server.cfg.settings["control_socket"]
    if server.cfg.control_socket_disable or setting.value != setting.default:
        return
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "instance")
    os.makedirs(folder, exist_ok=True)
    name = "".join(c if c.isalnum() else "-" for c in "_".join(server.cfg.bind))
    server.cfg.set("control_socket", os.path.join(folder, f"gunicorn-{name[:60]}.ctl"))
