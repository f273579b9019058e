# This file is part of the Lao rural e-commerce platform.
from .tools import PriceBuilder

__all__ = ['PriceBuilder']
