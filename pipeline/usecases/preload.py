"""What the guard's child needs loaded to read a file (standard library only, so a command can name
it before importing anything heavy): everything :func:`~pipeline.usecases.ingest.process_file`
imports, lazily imported ones included — the decoders behind the lazy :mod:`pipeline.fit`
(fitparse's profile, fitfast), and what pandas imports only when it first writes Parquet (0.1–0.15 s
a fresh child spent on its first file before); last :mod:`pipeline.report.warm`, whose import
compiles the report templates, so a child does not compile them on its first file."""
from __future__ import annotations

READER_MODULES: list[str] = [
    "pipeline.usecases.ingest", "pipeline.fit", "pipeline.fit.reader", "pipeline.fit.fast", "fitfast",
    "pipeline.usecases.analyse", "pipeline.report.writer", "pipeline.weather.service", "pipeline.weather.providers",
    "pipeline.store.records", "pipeline.report.charts", "pyarrow.parquet", "pyarrow.pandas_compat",
    "pandas.core.arrays.arrow.extension_types", "pipeline.report.warm"]
"""Module names for :func:`pipeline.runtime.forkserver.add_preload`, in import order."""
