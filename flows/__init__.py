"""Prefect flows, deployments and the ``sweatline`` command. Thin: the work is in ``pipeline``."""
