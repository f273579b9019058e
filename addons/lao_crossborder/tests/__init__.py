from .tools import add_tariff_code, create_registration

__all__ = ['add_tariff_code', 'create_registration']
