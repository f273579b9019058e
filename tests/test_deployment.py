"""docker-compose.yml kept correct without a Docker engine.

These machines cannot run containers, so the deployment is checked by
reading it: the services of the architecture are there, built from our
Dockerfile, running the right commands against the right configuration,
with every file they mount present in the repository and every secret
outside of it.  The Tryton configuration is rendered as trytond itself
reads it, with each service's environment.
"""
import configparser
import os
import re
import shlex
import stat
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG_TARGET = '/etc/trytond.conf'
DATABASE = 'lao'
# The services of images not built from ./Dockerfile
THIRD_PARTY = {'postgres', 'redis'}
TRYTON_SERVICES = {
    'trytond': ['trytond', '-c', CONFIG_TARGET, '-d', DATABASE],
    'trytond-cron': ['trytond-cron', '-c', CONFIG_TARGET, '-d', DATABASE],
    'trytond-worker': ['trytond-worker', '-c', CONFIG_TARGET, '-d', DATABASE],
    }


def repo_path(path):
    return os.path.normpath(os.path.join(ROOT, path))


@pytest.fixture(scope='module')
def compose():
    with open(repo_path('docker-compose.yml')) as file:
        return yaml.safe_load(file)


@pytest.fixture(scope='module')
def services(compose):
    return compose['services']


@pytest.fixture(scope='module')
def dockerfile():
    with open(repo_path('Dockerfile')) as file:
        # Join continued lines so that each instruction is one line
        return file.read().replace('\\\n', ' ')


def command(service):
    value = service['command']
    return shlex.split(value) if isinstance(value, str) else value


def environment(service):
    value = service.get('environment') or {}
    if isinstance(value, list):
        value = dict(item.split('=', 1) for item in value)
    return {k: str(v) for k, v in value.items()}


def test_services(services):
    "The processes of the architecture, each with its job"
    assert {'postgres', 'trytond', 'trytond-cron', 'trytond-worker',
        'storefront'} <= set(services)
    assert services['postgres']['image'].split(':')[1].split('.')[0] == '15'
    for name, expected in TRYTON_SERVICES.items():
        assert command(services[name]) == expected, name
    storefront = command(services['storefront'])
    assert storefront[0] == 'gunicorn'
    assert 'storefront:create_app()' in storefront
    assert storefront[storefront.index('--bind') + 1].endswith(':5000')
    assert any(p.split(':')[-1] == '5000'
        for p in services['storefront']['ports'])
    assert any(p.split(':')[-1] == '8000'
        for p in services['trytond']['ports'])


def test_built_from_our_dockerfile(services, dockerfile):
    "Every process but PostgreSQL and Redis runs the image of ./Dockerfile"
    for name, service in services.items():
        if name in THIRD_PARTY:
            continue
        build = service['build']
        assert os.path.isdir(repo_path(build['context'])), name
        assert os.path.exists(repo_path(
                os.path.join(build['context'], build['dockerfile']))), name
    # The files the Dockerfile copies exist (the storefront: see below)
    for source in re.findall(r'^COPY (?!--from)(\S+)', dockerfile, re.M):
        if source.rstrip('/') == 'storefront':
            continue
        assert os.path.exists(repo_path(source)), source


def test_commands_are_installed(services, dockerfile):
    """The programs the services run come from the packages the image
    installs: trytond's scripts from requirements.txt, gunicorn too"""
    with open(repo_path('requirements.txt')) as file:
        requirements = {
            re.split(r'[<>=!\[ ;]', line.strip(), maxsplit=1)[0].lower()
            for line in file if line.strip() and not line.startswith('#')}
    assert 'requirements.txt' in dockerfile
    programs = {command(s)[0] for n, s in services.items()
        if n not in THIRD_PARTY}
    assert programs == {
        'trytond', 'trytond-cron', 'trytond-worker', 'trytond-admin',
        'gunicorn'}
    assert {'trytond', 'gunicorn'} <= requirements
    # The image leaves out only test tools
    excluded = re.search(r"grep -v -E '\^\(([^)]*)\)", dockerfile).group(1)
    assert set(excluded.split('|')) <= {
        'pytest', 'pytest-xdist', 'playwright', 'pyyaml'}


def test_configuration_mounted(compose, services):
    "Every Tryton process reads config/trytond-postgresql.conf"
    config, = [c for c in compose['configs'].values()]
    assert os.path.normpath(config['file']) == os.path.join(
        'config', 'trytond-postgresql.conf')
    assert os.path.exists(repo_path(config['file']))
    for name, service in services.items():
        if name in THIRD_PARTY:
            continue
        targets = [c['target'] for c in service['configs']]
        assert targets == [CONFIG_TARGET], name
        if name == 'storefront':
            env = environment(service)
            assert env['TRYTON_CONFIG'] == CONFIG_TARGET
            assert env['TRYTON_DATABASE'] == DATABASE


def test_secrets_stay_out_of_the_repository(compose, services):
    "Passwords come from secret files that git ignores, never from YAML"
    for name, secret in compose['secrets'].items():
        path = secret['file']
        ignored = subprocess.run(
            ['git', 'check-ignore', '-q', path], cwd=ROOT).returncode == 0
        assert ignored, f"{path} is not ignored by git"
        tracked = subprocess.run(
            ['git', 'ls-files', '--error-unmatch', path], cwd=ROOT,
            capture_output=True).returncode == 0
        assert not tracked, f"{path} is committed"
    for name, service in services.items():
        for key, value in environment(service).items():
            if re.search(r'PASSWORD|SECRET', key):
                assert key.endswith('_FILE'), (name, key)
                assert value.startswith('/run/secrets/'), (name, key)
                secret = value.rsplit('/', 1)[1]
                assert secret in compose['secrets']
                assert secret in service['secrets'], (name, secret)
    postgres = services['postgres']
    env = environment(postgres)
    assert 'POSTGRES_PASSWORD' not in env
    assert env['POSTGRES_DB'] == DATABASE


def test_entrypoint(dockerfile):
    path = repo_path('docker/entrypoint.sh')
    assert os.stat(path).st_mode & stat.S_IXUSR
    with open(path) as file:
        script = file.read()
    assert 'PGPASSWORD_FILE' in script and script.rstrip().endswith(
        'exec "$@"')
    assert 'ENTRYPOINT ["lao-entrypoint"]' in dockerfile


def test_sao_served_from_the_image(dockerfile):
    "The web root of the configuration is where the image puts sao"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(repo_path('config/trytond-postgresql.conf'))
    root = parser.get('web', 'root')
    assert re.search(
        r'^COPY --from=sao \S+ ' + re.escape(root) + r'$', dockerfile, re.M)


@pytest.mark.parametrize('name', sorted(TRYTON_SERVICES) + ['storefront'])
def test_rendered_configuration(services, name):
    """trytond reads the mounted file with the service's environment: a
    PostgreSQL URI without credentials, the filestore in the volume"""
    service = services[name]
    env = {k: v for k, v in os.environ.items()
        if not k.startswith(('TRYTOND_', 'PG'))}
    env.update(environment(service))
    rendered = subprocess.run(
        [sys.executable, '-c',
            'import sys; from trytond import config; '
            'config.update_etc(sys.argv[1]); '
            'print(config.get("database", "uri")); '
            'print(config.get("database", "path")); '
            'print(config.get("web", "listen")); '
            'print(config.getboolean("queue", "worker"))',
            repo_path('config/trytond-postgresql.conf')],
        env=env, capture_output=True, text=True, check=True)
    uri, path, listen, worker = rendered.stdout.split()
    uri = urlsplit(uri)
    assert uri.scheme == 'postgresql'
    assert uri.password is None and uri.username is None
    assert env['PGHOST'] == 'postgres' and env['PGUSER']
    volumes = [v.split(':')[1] for v in service['volumes']]
    assert path in volumes
    assert listen == '0.0.0.0:8000'
    # Queued tasks are left to trytond-worker, not run in the request
    assert worker == 'True'


def test_storefront_application():
    "gunicorn's target: storefront.create_app"
    path = repo_path('storefront/__init__.py')
    if not os.path.exists(path):
        pytest.skip("storefront/ is not merged into this branch yet")
    with open(path) as file:
        assert re.search(r'^def create_app\(', file.read(), re.M)
