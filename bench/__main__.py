"""Run the benchmarks: `python -m bench [name ...]` (all by default).

Each benchmark is a module of this package with a `run(argv)` function that
prints its figures.  They use SQLite under var/bench unless
TRYTOND_DATABASE__URI names another backend (PostgreSQL).
"""
import importlib
import sys

BENCHMARKS = [
    'provisioning', 'genealogy', 'marketplace', 'catalogue', 'load', 'prices',
    'credit', 'crossborder', 'pagecache']


def main(argv=None):
    "python -m bench [name ...] [options of the benchmarks]"
    argv = sys.argv[1:] if argv is None else argv
    names = []
    while argv and not argv[0].startswith('-'):
        names.append(argv.pop(0))
    unknown = set(names) - set(BENCHMARKS)
    if unknown or argv[:1] in (['-h'], ['--help']) and not names:
        print(__doc__)
        print("benchmarks:", ', '.join(BENCHMARKS))
        return 2 if unknown else 0
    for name in names or BENCHMARKS:
        print(f"== {name} ==", flush=True)
        importlib.import_module(f'bench.{name}').run(argv)
    return 0


if __name__ == '__main__':
    sys.exit(main())
