"""`python -m s2s.tools {bench-app,load,cluster,agree,lab-bench} ...`: the app's benchmark, load tests, replicas behind a
balancer and the training-lab benchmark."""

from __future__ import annotations

import sys

USAGE = "usage: python -m s2s.tools {bench-app,load,cluster,agree,lab-bench} [options]  (--help after a command for its options)"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "bench-app":
        from .bench_app import main as run
    elif command == "load":
        from .load import main as run
    elif command == "cluster":
        from .cluster import main as run
    elif command == "agree":
        from .agree import main as run
    elif command == "lab-bench":
        from .lab_bench import main as run
    else:
        print(f"error: unknown command {command!r}\n{USAGE}", file=sys.stderr)
        return 2
    return run(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
