"""`make bench`: run every benchmark of the platform with its defaults."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import genealogy  # noqa: E402

if __name__ == '__main__':
    genealogy.main([])
