"""What the benchmarks share: timing, sides taken in turns, report lines.

A benchmark sets the module's way against a baseline measured in the same
run (bare SQL, a hand-written query, the naive path).  Each repetition runs
every side once, in turns, so that the load of the machine weighs on each
alike; the medians are compared as a ratio against the issue's goal.
"""
import statistics
import time


def timed(function, *args, **kwargs):
    "The result of function and the seconds it took"
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def alternate(sides, repeat):
    """The median seconds of each side (a dict of name: function without
    arguments), the sides run in turns repeat times"""
    times = {name: [] for name in sides}
    for _ in range(repeat):
        for name, function in sides.items():
            times[name].append(timed(function)[1])
    return {name: statistics.median(t) for name, t in times.items()}


def milliseconds(seconds):
    return f"{seconds * 1000:,.2f} ms"


def ratio_line(label, measured, baseline, baseline_label, goal=None):
    """One report line: the side and its baseline in milliseconds, their
    ratio and the goal it is held against"""
    ratio = measured / baseline if baseline else float('inf')
    line = (f"{label} {milliseconds(measured)} | {baseline_label} "
        f"{milliseconds(baseline)} | ratio {ratio:.2f}")
    if goal is not None:
        line += f" (goal <= {goal:g}: {'met' if ratio <= goal else 'MISSED'})"
    return line


def report(*lines):
    "Print report lines at once (the benchmarks' output is read live)"
    for line in lines:
        print(line, flush=True)
