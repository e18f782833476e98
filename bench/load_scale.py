"""
Load the scale dataset (bench/scale/) into the database DATABASE_URL names, for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/load_scale.py [--articles 100000] [--stories 2000] \\
        [--entries 1000000] [--comments 50000] [--seed 1] [--no-vacuum]

The database must be migrated. One that already holds the benchmark articles is left as it is.
"""

import argparse
import sys

import _django

_django.configure()

from bench import scale  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="Skip VACUUM ANALYZE after loading (PostgreSQL only; ANALYZE still runs).",
    )
    args = parser.parse_args()
    print(
        scale.load(
            articles=args.articles,
            stories=args.stories,
            entries=args.entries,
            comments=args.comments,
            seed=args.seed,
            vacuum=not args.no_vacuum,
            progress=sys.stderr,
        )
    )


if __name__ == "__main__":
    main()
