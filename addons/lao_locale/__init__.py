# This file is part of the Lao rural e-commerce platform.  The module has
# no classes: it ships translations that override the official modules' ones.
