import os

os.environ.setdefault('TEST_NETWORK', '0')
os.environ.setdefault('DB_NAME', ':memory:')
