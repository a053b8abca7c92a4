# True only under config/settings_test.py (the test suite); see config/settings.py.
TESTING = False
