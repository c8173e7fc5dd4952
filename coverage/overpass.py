"""Whether the Overpass API can be reached at all, asked before osmnx would wait a minute.

osmnx asks Overpass's ``/status`` page before each query (``settings.overpass_rate_limit``) and,
when that page cannot be reached, waits 60 s (its fallback pause) before sending the query, which
then fails too: offline, a first run of a downloading scenario said nothing for a minute, or four
when the connection timed out. :func:`check_overpass` asks the same page as osmnx does (its URL,
``requests_kwargs``, the environment's proxies) but waits at most :data:`CONNECT_TIMEOUT_S` for a
connection, and raises at once when none can be made. A server that answers slowly or says it is
busy is left to osmnx, which waits for its slot.

Every download keeps osmnx's HTTP cache in the scenario's cache folder (:func:`http_cache`), and
osmnx answers a query it has asked before from that cache without reaching Overpass:
:func:`overpass_or_cache` lets such a download go on offline, as it did before the check, and
makes only a query that must reach a server fail at once, naming that server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coverage.errors import Msg, reason_line

__all__ = [
    "CONNECT_TIMEOUT_S",
    "OverpassUnreachable",
    "check_overpass",
    "download_reason",
    "http_cache",
    "overpass_or_cache",
]

#: Seconds to wait for a connection to the Overpass server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10.0


class OverpassUnreachable(ConnectionError):
    """No connection could be made to a server a download needs (offline, a blocked host, a URL).

    Parameters
    ----------
    url
        The page that could not be reached (Overpass's status page, or Nominatim's search).
    reason
        Why, on one line (the HTTP library's text).
    """

    def __init__(self, url: str, reason: str) -> None:
        #: the reason in the catalogues' words, for a message worded in the console's language
        self.msg = Msg("error.download.unreachable", url=url, reason=reason)
        super().__init__(self.msg.text("en"))


def download_reason(exc: BaseException) -> str | Msg:
    """Why a download failed, for a message's ``{reason}``: worded by us, or the library's line.

    Parameters
    ----------
    exc
        What the download raised.

    Returns
    -------
    str or Msg
        :class:`OverpassUnreachable`'s catalogue message, else :func:`~coverage.errors.reason_line`.
    """
    return exc.msg if isinstance(exc, OverpassUnreachable) else reason_line(exc)


def check_overpass(ox: Any) -> None:
    """Raise :class:`OverpassUnreachable` at once when osmnx's Overpass server cannot be reached.

    Only when osmnx would ask the status page itself (``ox.settings.overpass_rate_limit``):
    without it osmnx sends the query straight away and fails as fast as this would.

    Parameters
    ----------
    ox
        The osmnx module, with the settings the download will use.

    Raises
    ------
    OverpassUnreachable
        Naming the page and why no connection was made.
    """
    if not ox.settings.overpass_rate_limit:
        return
    import requests

    url = str(ox.settings.overpass_url).rstrip("/") + "/status"
    # (connect, read): a short wait for a connection; the page's answer as long as osmnx waits
    timeout = (CONNECT_TIMEOUT_S, float(ox.settings.requests_timeout))
    kwargs = {**ox.settings.requests_kwargs, "timeout": timeout}
    try:
        requests.get(url, **kwargs)
    except requests.exceptions.ConnectionError as exc:  # DNS, refused, connect timeout, proxy
        raise OverpassUnreachable(url, reason_line(exc, typed=False)) from exc
    except requests.exceptions.RequestException:
        return  # a slow or odd answer: osmnx handles it as before


@contextmanager
def overpass_or_cache(ox: Any) -> Iterator[None]:
    """osmnx's downloads in the block fail at once offline, unless osmnx's cache answers them.

    Overpass reachable: nothing changes. Unreachable with osmnx's HTTP cache off: raises as
    :func:`check_overpass` does. Unreachable with the cache on: the block runs without osmnx's
    status page (``overpass_rate_limit`` off until it ends, since osmnx would wait a minute for
    that page), so a query asked before is read from the cache and one that is not fails as fast
    as its connection does, raised as :class:`OverpassUnreachable`.

    Parameters
    ----------
    ox
        The osmnx module, with the settings the download will use.

    Raises
    ------
    OverpassUnreachable
        Naming the status page, when a download in the block needed the server.
    """
    try:
        check_overpass(ox)
    except OverpassUnreachable as exc:
        if not ox.settings.use_cache:
            raise
        unreachable = exc
    else:
        yield
        return
    import requests

    saved = ox.settings.overpass_rate_limit
    ox.settings.overpass_rate_limit = False
    try:
        yield
    except requests.exceptions.ConnectionError as err:  # a query the cache did not hold
        url = getattr(err.request, "url", None)
        overpass = str(ox.settings.overpass_url).rstrip("/")
        if url and not str(url).startswith(overpass):  # another server, e.g. Nominatim's
            raise OverpassUnreachable(
                str(url).split("?")[0], reason_line(err, typed=False)
            ) from err
        raise unreachable from err
    finally:
        ox.settings.overpass_rate_limit = saved


@contextmanager
def http_cache(ox: Any, cache_dir: str | Path) -> Iterator[Any]:
    """osmnx with its HTTP cache on, in ``cache_dir/http``; the caller's settings restored after.

    Analysts may use osmnx with their own settings in the same session, and a scenario's
    downloads belong in its cache folder, not in osmnx's default ``./cache``.

    Parameters
    ----------
    ox
        The osmnx module.
    cache_dir
        The cache folder (the scenario's ``network.cache_dir``).

    Yields
    ------
    module
        ``ox``, with ``use_cache`` on and ``cache_folder`` set.
    """
    saved = {k: getattr(ox.settings, k) for k in ("use_cache", "cache_folder")}
    try:
        ox.settings.use_cache = True
        ox.settings.cache_folder = str(Path(cache_dir) / "http")
        yield ox
    finally:
        for k, v in saved.items():
            setattr(ox.settings, k, v)
