# This file is part of the Lao rural e-commerce platform.  Its classes are
# registered in tryton.cfg.
