"""Imported by the guard's forkserver (:data:`pipeline.runtime.forkserver.PRELOAD`), after the pipeline's modules:
compiles the report templates there once (:func:`pipeline.report.render.compile_templates`), so
each guarded child forked from it inherits them compiled instead of compiling them on its first
file. A module because a forkserver's preload can only import: importing it is the warm-up."""
from pipeline.report.render import compile_templates

compile_templates()
