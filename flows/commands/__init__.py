"""One module per ``sweatline`` command: ``run(args, config) -> int``."""
