"""Offline analysis (not the product): where SMAP's detection delay comes from (issue 23's target of a
median delay of at most 40 records).

    python -m benchmarks.detection_delay [--repositories 7=triton-repository 1=DIR1 2=DIR2]
        [--novelty-margins 0.1 0.25 0.5]

For every labelled sequence it finds the first record, counted from the label's start, at which
- the telemetry value (column 0) shows something its previous `--history` records never did: a value
  outside their range, or a step larger than any of theirs ("value first unprecedented");
- the model's error (the square root of its per-record score, as the detector takes it) exceeds
  every error of the previous `--history` records ("error first unprecedented");
and sets them beside the delay of the alert `satmon eval` raises (the same `detect`). A detector
cannot raise earlier than the telemetry changes, and one that waits for an error above all normal
errors cannot raise earlier than the error's first record high.

With --novelty-margins it also scores a plain learned limit beside the detector: an alert whenever
the value leaves its trailing range by more than MARGIN times that range, alone and as the union with
the detector's alerts, as the mean over the repositories' seeds.

Labels are read only to measure.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from satmon_detection.evaluation import Alert, aggregate, score_channel
from satmon_detection.offline import ScoredChannel, detect, score_channels
from satmon_detection.smap import load_channel

MERGE_GAP, WARMUP = 50, 250  # the detector's defaults, so the learned limit's alerts are cut alike


def _trailing(values: np.ndarray, history: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimum and maximum of the `history` records before each record (+-inf before record 0)."""
    padded = np.concatenate([np.full(history, np.nan), values])
    windows = sliding_window_view(padded[:-1], history)[:len(values)]
    return (np.nanmin(np.where(np.isnan(windows), np.inf, windows), axis=1),
            np.nanmax(np.where(np.isnan(windows), -np.inf, windows), axis=1))


def first_unprecedented(flags: np.ndarray, start: int, end: int) -> int | None:
    hits = np.nonzero(flags[start:end + 1])[0]
    return int(hits[0]) if len(hits) else None


def value_news(value: np.ndarray, history: int) -> np.ndarray:
    low, high = _trailing(value, history)
    step = np.abs(np.diff(value, prepend=value[0]))
    _, largest_step = _trailing(step, history)
    return (value < low) | (value > high) | (step > largest_step)


def error_news(error: np.ndarray, history: int) -> np.ndarray:
    return error > _trailing(error, history)[1]


def learned_limit_alerts(value: np.ndarray, history: int, margin: float) -> list[Alert]:
    low, high = _trailing(value, history)
    spread = np.maximum(high - low, 1e-3)
    outside = (value < low - margin * spread) | (value > high + margin * spread)
    outside[:WARMUP] = False
    spans: list[list[int]] = []
    for record in np.nonzero(outside)[0]:
        if spans and record - spans[-1][1] <= MERGE_GAP:
            spans[-1][1] = int(record)
        else:
            spans.append([int(record), int(record)])
    return [Alert(s, e, s) for s, e in spans]


def union(first: list[Alert], second: list[Alert]) -> list[Alert]:
    merged: list[Alert] = []
    for alert in sorted(first + second, key=lambda a: a.start):
        if merged and alert.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Alert(last.start, max(last.end, alert.end), min(last.raised_at, alert.raised_at))
        else:
            merged.append(alert)
    return merged


def delay_table(scored: list[ScoredChannel], history: int) -> list[dict]:
    rows = []
    for channel in scored:
        value = load_channel(channel.channel)[1][:, 0].astype(np.float64)
        seen_value, seen_error = value_news(value, history), error_news(np.sqrt(channel.record_scores()), history)
        alerts = detect(channel.window_scores, channel.starts, channel.threshold)
        for start, end in channel.labels:
            raised = [a.raised_at for a in alerts if a.start <= end and start <= a.end]
            rows.append({"channel": channel.channel, "start": start,
                         "delay": max(0, min(raised) - start) if raised else None,
                         "value_new": first_unprecedented(seen_value, start, end),
                         "error_new": first_unprecedented(seen_error, start, end)})
    return rows


def _median(values) -> str:
    values = [v for v in values if v is not None]
    return f"{np.median(values):.1f} (of {len(values)})" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", nargs="+", default=["7=triton-repository"], help="SEED=DIR model repositories")
    parser.add_argument("--history", type=int, default=2000, help="records a change is compared with")
    parser.add_argument("--novelty-margins", nargs="*", type=float, default=[])
    args = parser.parse_args()
    runs = {int(seed): score_channels(Path(path)) for seed, path in (r.split("=", 1) for r in args.repositories)}
    first_seed, first = next(iter(runs.items()))
    rows = delay_table(first, args.history)
    detected = [r for r in rows if r["delay"] is not None]
    print(f"seed {first_seed}: {len(rows)} labelled sequences, {len(detected)} detected")
    print(f"{'channel':<8} {'label start':>11} {'delay':>6} {'value new':>10} {'error new':>10}")
    for r in sorted(detected, key=lambda r: r["delay"]):
        print(f"{r['channel']:<8} {r['start']:>11} {r['delay']:>6} {r['value_new']!s:>10} {r['error_new']!s:>10}")
    at_error = sum(r["delay"] == r["error_new"] for r in detected)
    print(f"median delay of the detected: {_median(r['delay'] for r in detected)}")
    print(f"  their error first unprecedented: median {_median(r['error_new'] for r in detected)}; "
          f"raised at exactly that record: {at_error} of {len(detected)}")
    print(f"  their value first unprecedented: median {_median(r['value_new'] for r in detected)}")
    print(f"every label, value first unprecedented: median {_median(r['value_new'] for r in rows)}; "
          f"nothing unprecedented in the value within the label: {sum(r['value_new'] is None for r in rows)}")
    for margin in args.novelty_margins:
        for name, with_detector in (("learned limit alone", False), ("detector + learned limit", True)):
            figures = []
            for scored in runs.values():
                scores = []
                for channel in scored:
                    alerts = learned_limit_alerts(load_channel(channel.channel)[1][:, 0].astype(np.float64),
                                                  args.history, margin)
                    if with_detector:
                        alerts = union(detect(channel.window_scores, channel.starts, channel.threshold), alerts)
                    scores.append(score_channel(channel.channel, alerts, channel.labels, channel.length, 0.0))
                figures.append(aggregate(scores))
            mean = {k: float(np.mean([f[k] for f in figures])) for k in
                    ("event_f1", "event_precision", "event_recall", "false_alerts", "median_detection_delay")}
            print(f"margin {margin:<5} {name:<26} event F1 {mean['event_f1']:.3f}  P {mean['event_precision']:.3f}  "
                  f"R {mean['event_recall']:.3f}  false alerts {mean['false_alerts']:.1f}  "
                  f"median delay {mean['median_detection_delay']:.1f}", flush=True)
    print("command: python -m benchmarks.detection_delay --repositories", " ".join(args.repositories),
          *(["--novelty-margins", *map(str, args.novelty_margins)] if args.novelty_margins else []))


if __name__ == "__main__":
    main()
