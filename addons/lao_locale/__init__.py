# This file is part of the Lao rural e-commerce platform.  The module ships
# translations that override the official modules' ones (locale/), and
# makes Tryton serve those whose text the official catalogue already had.
