"""Benchmark timeline.dates against the edtf package.

Run with ``.venv/bin/python bench/bench_dates.py [N]``. Times ``from_edtf`` and
``edtf.parse_edtf`` on the same canonical strings, and ``parse`` on text as
editors type it, and prints microseconds per call. N (default 200) is the
number of passes over each corpus; the default stays well under 20 seconds.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timeline.dates import from_edtf, parse

# edtf reads optional settings from Django when it can import it; blocking the
# import keeps this script free of Django.
sys.modules.setdefault("django", None)
import edtf  # noqa: E402

CANONICAL = [
    "1985-05-04",
    "2006-05",
    "2002",
    "1999/2000",
    "2015-22",
    "2004~",
    "2005?",
    "2005%",
    "2006-05~",
    "1985-05-04?",
    "2015-11-13T21:16:00",
    "2015-11-13T21:16:05",
    "2001-05/2002-06",
    "1985-05-04/1985-05-10",
    "2015-21/2015-23",
    "0985",
    "9999-12-31",
    "2016-02-29",
    "1914-07/1918-11-11",
    "2020-03~",
]

TYPED = [
    "1985 May 4",
    "4 May 1985",
    "May 4, 1985",
    "Friday November 13 2015",
    "2006 May",
    "May 2006",
    "2002",
    "1999/2000",
    "1999-2000",
    "1999 to 2000",
    "2001 May/2002 June",
    "2015 (Summer)",
    "Summer 2015",
    "circa 2004",
    "c. 2004",
    "2005?",
    "circa 2005?",
    "circa 2006 May",
    "2015 November 13, 21:16 CET",
    "13 November 2015 9:30 pm",
]


def per_call_us(function, corpus, passes):
    start = time.perf_counter()
    for _ in range(passes):
        for text in corpus:
            function(text)
    return (time.perf_counter() - start) / (passes * len(corpus)) * 1e6


def main(passes=200):
    for text in CANONICAL:  # same corpus is valid for both, and warms caches
        edtf.parse_edtf(text)
        from_edtf(text)
    ours = per_call_us(from_edtf, CANONICAL, passes)
    theirs = per_call_us(edtf.parse_edtf, CANONICAL, max(1, passes // 10))
    typed = per_call_us(parse, TYPED, passes)
    print(f"{len(CANONICAL)} canonical strings, {len(TYPED)} typed strings, N={passes}")
    print(f"from_edtf         {ours:9.2f} us/call")
    print(f"edtf.parse_edtf   {theirs:9.2f} us/call  (N/10 passes)")
    print(f"ratio ours/edtf   {ours / theirs:9.4f}")
    print(f"parse (typed)     {typed:9.2f} us/call")


if __name__ == "__main__":
    assert not any(name.startswith("django.") for name in sys.modules)
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
