"""The peer of bench/receipts.rs: python-escpos printing a receipt picture with
`Printer.image()` into its `Dummy` printer, timed with time.perf_counter.

Usage: python escpos_image.py RAW_GREY_FILE WIDTH HEIGHT RUNS
The file holds WIDTH x HEIGHT bytes, 8-bit grey (0 = black), the very pixels the Rust
bench sends to the service. Prints `p50_ms=.. p99_ms=.. bytes=.. runs=..` on one line.
Only `image()` and reading the output are timed: the picture is loaded once, before.
"""

import logging
import sys
import time
import warnings


def main():
    path, width, height, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    # python-escpos warns on every call that the default profile has no paper width;
    # the warning is not part of the work being measured.
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    from PIL import Image
    from escpos.printer import Dummy

    with open(path, "rb") as f:
        picture = Image.frombytes("L", (width, height), f.read())
    times, size = [], 0
    for _ in range(runs):
        printer = Dummy()
        started = time.perf_counter()
        printer.image(picture)
        size = len(printer.output)
        times.append(time.perf_counter() - started)
    times.sort()

    def pct(p):
        return times[round((len(times) - 1) * p)] * 1000

    print(f"p50_ms={pct(0.5):.3f} p99_ms={pct(0.99):.3f} bytes={size} runs={runs}")


if __name__ == "__main__":
    main()
