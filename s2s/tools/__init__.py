"""Benchmarks, fuzzing and load tools: they print figures and assert nothing.

`python -m s2s bench` and `python -m s2s soak` (the engine), `python -m s2s.tools bench-app`
and `python -m s2s.tools load` (the app, through its real server).
"""
