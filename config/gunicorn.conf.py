# gunicorn's settings of the storefront, read by docker-compose.yml (the
# image copies this file to /opt/lao/gunicorn.conf.py) and by `make demo`
# (scripts/demo/__main__.py); `python -m bench load` measures them against
# the other worker classes.  The address and the application are given on
# the command line.
#
# Every setting can be changed without editing this file: the environment
# variables below, or gunicorn's own GUNICORN_CMD_ARGS.
import os

# Measured on 2 cores (storefront/README.md, "Speed"): threads beat sync
# workers under many connections, because a sync worker holds a connection
# for the whole of a slow request while the others queue behind it, and
# wrk's keep-alive connections are then refused or time out; a thread
# waiting for the database lets the process answer another request.  One
# process per core, a few threads each.
workers = int(os.environ.get('STOREFRONT_WORKERS', 2))
worker_class = os.environ.get('STOREFRONT_WORKER_CLASS', 'gthread')
threads = int(os.environ.get('STOREFRONT_THREADS', 4))

# Keep-alive connections of the buyers' browsers (and of a load balancer)
keepalive = 5
# Connections waiting beyond the threads (gthread) before being refused
worker_connections = 1000
backlog = 2048

# A request that takes longer is stuck: the worker is restarted
timeout = 60
graceful_timeout = 20

# No control socket (gunicorn 25.1+): one path per user, which the demo,
# the benchmarks and the tests' shops on one host would share
control_socket_disable = True

# No preloading: flask-tryton opens the database pool when the
# application is made, and forked workers must not share its connections.
preload_app = False


def on_starting(server):
    """Settle the storefront's configuration once in the master, before the
    workers start: the secret key file it creates on a first start
    (storefront.config.secret_key) would otherwise be written by two
    workers at once, and the loser would fail to boot"""
    from flask import Flask

    from storefront import config
    config.load(Flask('storefront'))
