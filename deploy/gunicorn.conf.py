"""Gunicorn settings of the IOC dashboard (the ``serve`` role).

Used by ``ioc serve --gunicorn`` (the systemd unit and the container) and by
``gunicorn -c deploy/gunicorn.conf.py``. Address, processes, threads and trusted proxies come
from the IOC's own settings (env ``IOC_WEB__*``, secret files, ``IOC_CONFIG``), so one place
configures every role; the rest is tuning that rarely changes. See docs/operations.md.
"""

from ioc.config import load_settings
from ioc.web.serving import after_fork, default_workers

_settings = load_settings()

# The app, preloaded once in the master; each worker then gets its own database
# connections and background threads (post_fork below).
wsgi_app = "ioc.web.wsgi:build_server(background=False)"
preload_app = True

bind = [f"{_settings.web.host}:{_settings.web.port}"]
# web.workers = 0: one process per CPU plus one, between 2 and 8 (ioc.web.serving).
workers = _settings.web.workers or default_workers()
# Threads per process: callbacks wait on PostgreSQL, the pages poll every few seconds.
threads = _settings.web.threads
worker_class = "gthread"

# A dashboard callback takes well under a second; 60 s only kills a stuck worker.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so memory held by caches and figures cannot grow forever.
max_requests = 5000
max_requests_jitter = 500

# Behind nginx: trust X-Forwarded-For/-Proto only from these addresses (web.forwarded_allow_ips).
forwarded_allow_ips = _settings.web.forwarded_allow_ips

# Logs to stdout/stderr: journald (systemd) or the container log collects them.
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
# client (first X-Forwarded-For hop, else the peer), request, status, bytes, milliseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
proc_name = "ioc-serve"
# No gunicornc control socket: it would be written under $HOME, which the systemd unit
# makes read-only; restart or reload (SIGHUP) through systemd or the container instead.
control_socket_disable = True


def post_fork(_server: object, worker: object) -> None:
    """In each new worker: its own connections and background threads (ioc.web.serving)."""
    after_fork(worker.app.wsgi())  # type: ignore[attr-defined]
