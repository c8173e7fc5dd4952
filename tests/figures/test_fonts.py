"""quiet_fonts: process-wide warning and logging state, safe for threads drawing at once."""

from __future__ import annotations

import logging
import threading
import warnings

from coverage.figures import fonts


def test_two_threads_in_quiet_fonts_leave_the_warning_state_as_it_was():
    # warnings.catch_warnings saves and restores process-wide state. Interleaved, thread A
    # enters (saves S0, sets S1), B enters (saves S1, sets S2), A leaves (restores S0), B leaves
    # (restores S1): A's "always" filter and its recorder stay in force for good, and the
    # font logger stays at ERROR. One thread at a time inside, the state comes back as it was.
    logger = logging.getLogger("matplotlib.font_manager")
    filters, show, level = list(warnings.filters), warnings.showwarning, logger.level
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def a() -> None:
        try:
            with fonts.quiet_fonts():
                a_in.set()
                b_in.wait(timeout=1.0)  # B inside too, unless it waits for A to leave
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)
        finally:
            a_out.set()

    def b() -> None:
        try:
            a_in.wait(timeout=10)
            with fonts.quiet_fonts():
                b_in.set()
                a_out.wait(timeout=10)
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert not errors and not any(th.is_alive() for th in threads)
    assert warnings.filters == filters
    assert warnings.showwarning is show
    assert logger.level == level


def test_quiet_fonts_nests_in_one_thread():
    with fonts.quiet_fonts(), fonts.quiet_fonts():
        pass
