"Builders of traceability data for the unit tests"
from trytond.modules.lao_trace.demo import ChainBuilder

__all__ = ['ChainBuilder']
