"""Test settings: pytest selects this module (``--ds=config.settings_test`` in pyproject.toml).

It raises the package flag ``config.TESTING`` before the real settings are imported, so the
test switches (fixed secret key, MD5 hasher, in-memory mail, jobs run in-process) cannot be
turned on by any environment variable a deployment might carry.
"""

import config

config.TESTING = True

from config.settings import *  # noqa: E402, F403
