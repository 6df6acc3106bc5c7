"""Slowing down guesses of a token at the page's login, per client address.

After `tries` wrong tokens from one address, that address must wait before
its next login is even looked at: 30 seconds, then twice as long after each
further wrong token, at most 15 minutes. The count starts again after a right
token, or once the address has gone 15 minutes past its wait without a wrong
one. While an address waits, its logins are answered 429 with Retry-After,
whatever token they carry, so waiting is the only way on.

Memory is bounded: at most `size` addresses are remembered, the least
recently wrong forgotten first. (Someone with more addresses than that
could make charley forget their own; each address still waits as above.)
Only addresses, counts and times are kept, never a token. The throttle is
used from the event loop only, one per server process.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

TRIES = 5
QUIET = timedelta(minutes=15)
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
ADDRESSES = 10_000


@dataclass(slots=True)
class _Record:
    wrong: int
    last: datetime
    until: datetime


class LoginThrottle:
    """Wrong tokens per client address, in a fixed-size LRU."""

    def __init__(
        self,
        *,
        tries: int = TRIES,
        quiet: timedelta = QUIET,
        first_wait: timedelta = FIRST_WAIT,
        longest_wait: timedelta = LONGEST_WAIT,
        size: int = ADDRESSES,
    ) -> None:
        self.tries = tries
        self.quiet = quiet
        self.first_wait = first_wait
        self.longest_wait = longest_wait
        self.size = size
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, address: object) -> bool:
        return address in self._records

    def wait(self, address: str, now: datetime) -> int:
        """Whole seconds `address` must still wait before a login is looked at (0: none)."""
        record = self._records.get(address)
        if record is None or record.until <= now:
            return 0
        return max(1, math.ceil((record.until - now).total_seconds()))

    def failed(self, address: str, now: datetime) -> None:
        """A wrong token from `address`."""
        record = self._records.pop(address, None)
        if record is None or now - max(record.last, record.until) >= self.quiet:
            record = _Record(wrong=0, last=now, until=now)
        record.wrong += 1
        record.last = now
        if record.wrong >= self.tries:
            doublings = min(record.wrong - self.tries, 32)
            record.until = now + min(self.first_wait * 2**doublings, self.longest_wait)
        self._records[address] = record
        while len(self._records) > self.size:
            self._records.popitem(last=False)

    def succeeded(self, address: str) -> None:
        """A right token from `address`: its count starts again."""
        self._records.pop(address, None)
