"""Sweatline's library: FIT ingest, physiology, advice, reports and storage.

Data flows one way (see ARCHITECTURE): ``fit`` -> ``physiology`` -> ``advice`` -> ``report``,
with ``store`` for everything on disk. Nothing here imports Prefect, ``flows`` or the command line.
"""
