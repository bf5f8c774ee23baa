"""Developer tools kept in the repository but not installed (pyproject installs ``pipeline*`` and
``flows*`` only): :mod:`tools.fitwriter`, the FIT encoder behind ``examples/`` and the tests.

Importable from the project root: pytest puts it on ``sys.path`` (``pythonpath`` in pyproject),
and scripts such as ``examples/make_examples.py`` insert it themselves.
"""
