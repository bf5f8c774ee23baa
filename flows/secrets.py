"""Keys kept in Prefect rather than in the environment: a ``Secret`` block's value by name."""
from __future__ import annotations


def read_secret_block(name: str) -> str | None:
    """The value of the Prefect ``Secret`` block ``name`` on the server in use (``PREFECT_API_URL``),
    imported only when a source names a block. Raises what Prefect raises (no such block, no
    server): :func:`pipeline.usecases.sync.api_key` turns that into the source's one line."""
    from prefect.blocks.system import Secret

    block = Secret.load(name)  # outside an event loop Prefect answers the block, not a coroutine
    if not isinstance(block, Secret):
        block.close()
        raise TypeError("read_secret_block must be called outside an event loop")
    value = block.get()
    return str(value) if value is not None else None
