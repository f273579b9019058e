"""The web shop's static files, fingerprinted and compressed.

Each file of static/ is copied into STATIC_BUILD_DIR under a name holding a
hash of its content (style.css becomes style.<hash>.css), with its gzip and
Brotli variants when they are smaller; url_for('static', ...) gives those
names, and WhiteNoise serves them in the encoding the browser accepts, with
their ETag and Cache-Control "immutable" for ten years: a changed file has
another name.  The files' plain names are still served (by Flask, without
long caching) for addresses written before.

The copies are made when the application starts, once per content (a name
already built is kept), each file written whole under a temporary name and
then renamed, so that workers starting together never serve half a file.
The image of docker-compose.yml builds them beforehand:
`python -m storefront.assets`."""
import hashlib
import os
import posixpath
import tempfile

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor, brotli_installed

# The encodings kept next to each file, under WhiteNoise's suffixes
ENCODINGS = [('.gz', Compressor.compress_gzip)] + (
    [('.br', Compressor.compress_brotli)] if brotli_installed else [])
# A variant is kept when it saves at least this share of the bytes
MIN_SAVING = 0.05


def fingerprinted(name, data):
    "name with a hash of data before its extension: style.<hash>.css"
    stem, extension = posixpath.splitext(name)
    return f'{stem}.{hashlib.sha256(data).hexdigest()[:12]}{extension}'


def _write(path, data):
    "Write data at path whole: under a temporary name, then renamed"
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix='.tmp-')
    try:
        with os.fdopen(fd, 'wb') as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def build(source, target):
    """Copy the files of source into target under their fingerprinted names,
    with their compressed variants; return {name: fingerprinted name}, the
    names relative to source with '/'"""
    compressor = Compressor(quiet=True)
    manifest = {}
    for directory, folders, files in os.walk(source):
        folders[:] = sorted(f for f in folders if not f.startswith('.'))
        for filename in sorted(files):
            if filename.startswith('.'):
                continue
            path = os.path.join(directory, filename)
            name = os.path.relpath(path, source).replace(os.sep, '/')
            with open(path, 'rb') as file:
                data = file.read()
            built = fingerprinted(name, data)
            manifest[name] = built
            destination = os.path.join(target, *built.split('/'))
            if os.path.exists(destination):
                continue
            # The variants first: the file itself says the build is done
            if compressor.should_compress(filename):
                for suffix, compress in ENCODINGS:
                    compressed = compress(data)
                    if len(compressed) <= (1 - MIN_SAVING) * len(data):
                        _write(destination + suffix, compressed)
            _write(destination, data)
    return manifest


def _add_headers(headers, path, url):
    from .security import HEADERS
    for name, value in HEADERS.items():
        headers[name] = value


def init_app(app):
    """Serve the static files of app fingerprinted and compressed, or as
    Flask does when STATIC_BUILD_DIR cannot be written"""
    target = app.config['STATIC_BUILD_DIR']
    try:
        manifest = build(app.static_folder, target)
    except OSError as error:
        app.logger.warning(
            "static files not fingerprinted (%s): %s", target, error)
        return
    app.extensions['static_manifest'] = manifest
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=target,
        prefix=app.static_url_path, allow_all_origins=False,
        # Every file there has its content's hash in its name
        immutable_file_test=lambda path, url: True,
        add_headers_function=_add_headers)

    @app.url_defaults
    def fingerprint(endpoint, values):
        if endpoint == 'static' and values.get('filename') in manifest:
            values['filename'] = manifest[values['filename']]


def main():
    "Build the static files of the storefront into its STATIC_BUILD_DIR"
    from flask import Flask

    from . import config
    app = Flask('storefront')
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_prefixed_env('STOREFRONT')
    manifest = build(app.static_folder, app.config['STATIC_BUILD_DIR'])
    print(f"{len(manifest)} static files in {app.config['STATIC_BUILD_DIR']}")


if __name__ == '__main__':
    main()
