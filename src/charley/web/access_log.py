"""The access log keeps the path of each request, never its query string.

The interview's pages carry the description and the answers in their
address (`/interview/question?text=...`), so uvicorn's access line, which
logs the path with its query, would otherwise write what a person typed
into the server's log.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class HideQueryStrings(logging.Filter):
    """Cut the query string off every path among a record's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_path_only(arg) for arg in record.args)
        return True


def _path_only(arg: object) -> object:
    if isinstance(arg, str) and arg.startswith("/") and "?" in arg:
        return arg.split("?", 1)[0]
    return arg


def hide_query_strings() -> None:
    """Install the filter on uvicorn's access logger, once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, HideQueryStrings) for f in logger.filters):
        logger.addFilter(HideQueryStrings())
