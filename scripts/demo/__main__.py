"""Run the demo: a fresh SQLite database full of demo data, served with sao.

    make demo                         # or: python -m scripts.demo -d demo

1. recreates var/db/<name>.sqlite and activates every addons/lao_* module
   with its dependencies (Lao and Chinese translatable);
2. loads the demo data (scripts/demo/load.py) through the ORM;
3. starts MailDev (make install puts it in var/npm), the mail catcher that
   keeps every e-mail of the platform (sign-up validation, password reset,
   vendor-manager invitations) and shows them in its web inbox on
   http://127.0.0.1:1080, trytond and the storefront sending to its SMTP
   server (the [email] uri of the demo's configuration file);
4. starts trytond (JSON-RPC and the sao web client) with the database
   preloaded (which runs the queued tasks, sales processed after
   confirmation and e-mails, after each commit: trytond-worker needs
   PostgreSQL), trytond-cron (which retries the e-mails that could not be
   delivered), and the Flask storefront (web shop and vendor portal) on
   http://127.0.0.1:5000 as its own non-root Tryton user
   (lao_b2b.user_storefront); prints the URLs and the demo log-ins;
5. on Ctrl-C (SIGINT) or SIGTERM stops them all and exits 0.

Running it again starts from scratch.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from scripts.database import (
    ROOT, create_database, path_overlay, tryton_command)

from .platform import ADMIN_PASSWORD
from .trace import TRACE_ROLE
from .training import CERTIFICATE_ROLE

CONFIG = os.path.join(ROOT, 'config', 'trytond.conf')
GUNICORN_CONFIG = os.path.join(ROOT, 'config', 'gunicorn.conf.py')
DB_PATH = os.path.join(ROOT, 'var', 'db')
SAO_ROOT = os.path.join(ROOT, 'var', 'sao', 'package')
READY_TIMEOUT = 120
STOREFRONT_HOST = '127.0.0.1'
STOREFRONT_PORT = 5000
# The mail catcher (Makefile: MAILDEV_VERSION) and its two ports
MAILDEV_VERSION = '3.0.0'
MAILDEV = os.path.join(ROOT, 'var', 'npm', f'maildev-{MAILDEV_VERSION}',
    'node_modules', '.bin', 'maildev')
MAILDEV_HOST = '127.0.0.1'
MAILDEV_SMTP_PORT = 1025
MAILDEV_WEB_PORT = 1080


def log(message):
    print(f"[demo] {message}", flush=True)


def listen_address(config_files):
    "The host:port trytond listens on according to the configuration"
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config_files)
    return parser.get('web', 'listen', fallback='127.0.0.1:8000')


def wait_ready(url, process, timeout=READY_TIMEOUT, cancelled=None):
    """Wait until trytond answers the database list on url; return None
    early when cancelled() becomes true"""
    request = urllib.request.Request(
        url + 'rpc/', method='POST',
        data=json.dumps({
                'id': 0, 'method': 'common.db.list', 'params': []}).encode(),
        headers={'Content-Type': 'application/json'})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cancelled and cancelled():
            return None
        if process.poll() is not None:
            raise SystemExit(
                f"trytond exited with {process.returncode} before ready")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                json.load(response)['result']
                return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"trytond did not answer on {url} in {timeout} s")


def wait_healthy(url, process, timeout=READY_TIMEOUT, cancelled=None,
        path='healthz', name='the storefront'):
    """Wait until the storefront (or name) answers 200 on url + path; return
    None early when cancelled() becomes true"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cancelled and cancelled():
            return None
        if process.poll() is not None:
            raise SystemExit(
                f"{name} exited with {process.returncode} before ready")
        try:
            with urllib.request.urlopen(url + path, timeout=2) as answer:
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not answer on {url} in {timeout} s")


def maildev_command(mail_directory, smtp_port, web_port, host=MAILDEV_HOST):
    """The argv of MailDev keeping the e-mails in mail_directory, its SMTP
    server and web inbox on host only"""
    if not os.access(MAILDEV, os.X_OK):
        raise SystemExit(f"{MAILDEV} is missing: run make install")
    return [MAILDEV, '--silent',
        '--ip', host, '--smtp', str(smtp_port),
        '--web-ip', host, '--web', str(web_port),
        '--mail-directory', mail_directory]


def wait_maildev(url, process, **kwargs):
    "Wait until the web inbox and REST API of MailDev at url answer"
    return wait_healthy(
        url, process, path='api/healthz', name="MailDev", **kwargs)


def storefront_command(database, config_files, host=STOREFRONT_HOST,
        port=STOREFRONT_PORT):
    """The environment and argv of the storefront on host:port, served by
    gunicorn with the settings of production (config/gunicorn.conf.py),
    which runs as the Tryton user lao_b2b.user_storefront (TRYTON_USER left
    unset)"""
    env = dict(os.environ)
    env.pop('TRYTON_USER', None)
    env.update({
            'TRYTON_DATABASE': database,
            'TRYTON_CONFIG': os.pathsep.join(config_files),
            'STOREFRONT_URL': f'http://{host}:{port}',
            })
    return env, tryton_command(
        'gunicorn', '--config', GUNICORN_CONFIG, '--bind', f'{host}:{port}',
        '--access-logfile', '-', 'storefront:create_app()')


def stop_children(children, grace=10):
    """Stop each child and the processes it started (trytond-cron has
    workers): SIGINT to its process group, then SIGTERM, then SIGKILL"""
    for signum in [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]:
        running = [c for c in children if c.poll() is None]
        for child in running:
            try:
                os.killpg(child.pid, signum)
            except ProcessLookupError:
                pass
        for child in running:
            try:
                child.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        if all(c.poll() is not None for c in children):
            return


def print_logins(url, database, logins, shop_url=None, inbox_url=None):
    width = max(len(login) for role, login, _, _ in logins
        if role not in {TRACE_ROLE, CERTIFICATE_ROLE})
    print()
    print(f"  Lao Rural E-Commerce Platform demo, database '{database}'")
    print(f"  Web client (sao): {url}")
    if shop_url:
        print(f"  Storefront (web shop, buyers): {shop_url}")
    if inbox_url:
        print(f"  E-mails (MailDev): {inbox_url}  sign-up validation, "
            "password reset, invitations")
    print(f"  JSON-RPC:         {url}{database}/rpc/")
    print(f"  Log-in over HTTP: POST {url}{database}/session/login")
    print()
    print("  Demo log-ins (demo passwords, this database only):")
    print("  back office (sao, JSON-RPC):")
    for role, login, password, note in logins:
        if (role.startswith('storefront')
                or role in {TRACE_ROLE, CERTIFICATE_ROLE}):
            continue
        note = f"  {note}" if note else ''
        print(f"    {login:<{width}}  {password:<20} {role}{note}")
    shop = [l for l in logins if l[0].startswith('storefront')]
    if shop:
        print(f"  storefront ({shop_url or 'web shop'}account/login, "
            "e-mails already validated):")
        for role, login, password, note in shop:
            note = f"  {note}" if note else ''
            print(f"    {login:<{width}}  {password:<20} {role}{note}")
        if any(role.startswith('storefront vendor') for role, *_ in shop):
            print("    (a vendor's account opens the vendor portal, "
                f"{shop_url or '/'}vendor/: its")
            print("    application and decisions, listings with the "
                "reviewers' reasons,")
            print("    requests for quotation and orders)")
    traces = [l for l in logins if l[0] == TRACE_ROLE]
    if traces:
        print("  QR links of traced lots (GS1 Digital Link on the storefront):")
        for _, path, _, product in traces:
            print(f"    {shop_url or '/'}{path}  {product}")
    certificates = [l for l in logins if l[0] == CERTIFICATE_ROLE]
    if certificates:
        print("  Training certificate (public verification page):")
        for _, path, _, holder in certificates:
            print(f"    {shop_url or '/'}{path}  {holder}")
    print()
    print("  The demo's accounts have their passwords above; new buyers and")
    print("  vendors read their validation and invitation e-mails in MailDev.")
    print("  Press Ctrl-C to stop.")
    print(flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', default='demo')
    parser.add_argument(
        '--no-serve', action='store_true',
        help="create the database and load the data, then exit")
    options = parser.parse_args(argv)
    name = options.database
    started = time.monotonic()
    os.chdir(ROOT)

    # The committed config plus the absolute paths of this checkout
    overlay = path_overlay(
        os.path.join(ROOT, 'var', 'run', f'{name}.conf'), DB_PATH, SAO_ROOT,
        email_uri=f'smtp://{MAILDEV_HOST}:{MAILDEV_SMTP_PORT}')
    # No trytond-worker: it listens to PostgreSQL's notifications, and on
    # the embedded SQLite the server runs the queued tasks after each commit
    config_files = [CONFIG, overlay]

    try:
        log(f"creating database {name} in {DB_PATH}")
        create_database(name, ADMIN_PASSWORD, config_files=config_files)
        log(f"modules activated in {time.monotonic() - started:.0f} s; "
            "loading demo data")
        loaded = subprocess.run(
            [sys.executable, '-m', 'scripts.demo.load', name,
                '-c', *config_files],
            check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    except KeyboardInterrupt:
        log("interrupted while preparing the database")
        return 130
    except subprocess.CalledProcessError as error:
        log(f"{error.cmd[0]} failed with {error.returncode}")
        return 1
    logins = json.loads(loaded.stdout.strip().splitlines()[-1])
    if options.no_serve:
        log(f"ready in {time.monotonic() - started:.0f} s (not serving)")
        return 0

    children = []
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    # The e-mails of the previous run are gone with its database
    mail_directory = os.path.join(ROOT, 'var', 'run', f'{name}-mail')
    shutil.rmtree(mail_directory, ignore_errors=True)
    os.makedirs(mail_directory)
    maildev = subprocess.Popen(
        maildev_command(mail_directory, MAILDEV_SMTP_PORT, MAILDEV_WEB_PORT),
        cwd=ROOT, start_new_session=True)
    children.append(maildev)
    server = subprocess.Popen(
        tryton_command('trytond', '-c', *config_files, '-d', name),
        cwd=ROOT, start_new_session=True)
    children.append(server)
    cron = subprocess.Popen(
        tryton_command('trytond-cron', '-c', *config_files, '-d', name),
        cwd=ROOT, start_new_session=True)
    children.append(cron)

    host, port = listen_address(config_files).rsplit(':', 1)
    if host in {'0.0.0.0', '::', ''}:
        host = '127.0.0.1'
    url = f'http://{host}:{port}/'
    shop_url = f'http://{STOREFRONT_HOST}:{STOREFRONT_PORT}/'
    inbox_url = f'http://{MAILDEV_HOST}:{MAILDEV_WEB_PORT}/'
    try:
        if (wait_maildev(inbox_url, maildev, cancelled=lambda: bool(stopping))
                and wait_ready(url, server, cancelled=lambda: bool(stopping))):
            env, command = storefront_command(name, config_files)
            shop = subprocess.Popen(
                command, cwd=ROOT, env=env, start_new_session=True)
            children.append(shop)
            if wait_healthy(shop_url, shop, cancelled=lambda: bool(stopping)):
                print_logins(url, name, logins, shop_url, inbox_url)
                log(f"ready in {time.monotonic() - started:.1f} s")
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    log(f"{child.args[0]} exited with {child.returncode}")
                    stopping.append(None)
            time.sleep(0.2)
    finally:
        log("stopping MailDev, trytond, trytond-cron and the storefront")
        stop_children(children)
    # A stop that we asked for is a clean exit; a child dying is not
    return 0 if stopping and stopping[0] is not None else 1


if __name__ == '__main__':
    sys.exit(main())
