"""Hold off Python's cycle collector while a burst of objects is made (in any thread).

Parsing content or building a statistics table makes hundreds of thousands of objects,
hardly any in a cycle (reference counting frees them), but each batch of them sets off the
cycle collector, which walks all of them again and holds the GIL meanwhile: half the time
of loading 10,000 entries, and up to half a second in which the event loop, in another
thread, cannot run. One counter for every user, so that one finishing does not switch the
collector back on while another still runs.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock, _holding = threading.Lock(), 0


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Switch the cycle collector off for the block (back on when the last block ends)."""
    global _holding
    with _lock:
        _holding += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _holding -= 1
            if _holding == 0:
                gc.enable()
