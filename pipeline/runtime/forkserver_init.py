"""Imported first by the guard's forkserver (:data:`pipeline.runtime.forkserver.PRELOAD`), and nowhere else: from
here on the forkserver ignores SIGINT, and so does every child it forks (multiprocessing's
forkserver hands each child the signal handlers it had before its own set-up, where it ignores
SIGINT too). A Ctrl-C in a terminal reaches the whole process group: the command itself stops and
ends its children (:mod:`pipeline.runtime.guard`), instead of each child printing a ``KeyboardInterrupt``
traceback from the middle of an import or a file."""
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
