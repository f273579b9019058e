# The builders the tests of other modules, the demo and the benchmarks use
from .chains import ChainBuilder, load_chains  # noqa: F401
from .pdf import pdf_objects  # noqa: F401

__all__ = ['ChainBuilder', 'load_chains', 'pdf_objects']
