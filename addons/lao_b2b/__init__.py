# This file is part of the Lao rural e-commerce platform.  Its classes are
# registered in tryton.cfg; importing routes attaches its HTTP endpoints.
from . import routes  # noqa: F401
