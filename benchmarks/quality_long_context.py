"""Offline experiment (not the product): a long-context GRU forecaster beside the window forecaster,
both fed to the live StreamDetector, on SMAP (issue 23's "better error signal").

    python -m benchmarks.quality_long_context --forecasters 7=triton-repository 1=DIR1 2=DIR2 \
        [--out /tmp/gru] [--cross-validate]

Each `SEED=DIR` is a forecaster repository (`satmon train --seed SEED --out DIR`, needs PyTorch); the
GRU of the same seed is trained here per channel (and cached in --out): 25 columns in, 32 units, one
step ahead from at most 250 rows, on the first 80 % of `train`, its normal error level from the
held-out 20 % (the training rule). Test labels are read only to score. Prints event-wise figures per
error signal as the mean (range) over the seeds, and with --cross-validate the detector grid's
leave-one-family-out figure for the forecaster and the geometric-mean ensemble.

The served form is `satmon train --architecture ensemble` (the same GRU, `fit_gru`, reading the
230 rows before each window the scheduler sends, so a fresh row has 250-259 rows behind it; its
figures come from `satmon eval`). This script keeps the experiment that chose it.
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

import numpy as np

from satmon_detection.cross_validation import cross_validate, grid_configs
from satmon_detection.detector import DetectorConfig, smooth_errors
from satmon_detection.evaluation import aggregate, score_channel
from satmon_detection.offline import ScoredChannel, detect, score_channels
from satmon_detection.smap import load_channel, load_labels
from satmon_detection.training import fit_gru

CONTEXT = 250  # rows before each forecast row: exactly this many here; 250-259 as served

# Per-record errors (telemetry units) and normal levels of the two models -> the detector's input.
SIGNALS = {
    "forecaster alone": lambda e1, e2, b1, b2: (e1, b1),
    "GRU, 250 rows": lambda e1, e2, b1, b2: (e2, b2),
    "mean of the two errors": lambda e1, e2, b1, b2: ((e1 + e2) / 2, (b1 + b2) / 2),
    "larger of the two": lambda e1, e2, b1, b2: (np.maximum(e1, e2), max(b1, b2)),
    "geometric mean": lambda e1, e2, b1, b2: (np.sqrt(e1 * e2), np.sqrt(b1 * b2)),
}


def train_gru_errors(seed: int, out: Path, reads: int | None = None) -> dict[str, dict]:
    """{channel: {"test": per-record absolute errors, "threshold": normal level in score units}}."""
    import torch

    cache = out / (f"gru_errors_seed{seed}.pkl" if reads is None else f"gru_errors_seed{seed}_reads{reads}.pkl")
    errors = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    torch.set_num_threads(1)
    began = time.time()
    for channel in sorted(load_labels()):
        if channel in errors:
            continue
        train, test = load_channel(channel)
        model = fit_gru(torch, train, seed, reads)
        split = int(len(train) * 0.8)
        held_out = smooth_errors(_errors(torch, model, train) ** 2, DetectorConfig().smoothing_span)[split:]
        errors[channel] = {"test": _errors(torch, model, test), "threshold": float(held_out.max()) ** 2}
        cache.write_bytes(pickle.dumps(errors))
        print(f"  GRU seed {seed} {channel}: {time.time() - began:.0f} s", flush=True)
    return errors


def _errors(torch, model, series: np.ndarray) -> np.ndarray:
    """Absolute one-step forecast error of each row from at most CONTEXT rows before it (row 0: 0)."""
    n, rows = len(series), torch.from_numpy(series)
    errors = np.zeros(n)
    with torch.no_grad():
        head = min(n, CONTEXT + 1)
        errors[1:head] = np.abs(model(rows[None, :head - 1], rows[None, 1:head, 1:])[0].numpy() - series[1:head, 0])
        targets = np.arange(CONTEXT + 1, n)
        for i in range(0, len(targets), 512):
            batch = targets[i:i + 512]
            last = model.encode(torch.stack([rows[t - CONTEXT:t] for t in batch]))[:, -1]
            forecast = model.head(torch.cat([last, rows[batch, 1:]], dim=-1)).squeeze(-1).numpy()
            errors[batch] = np.abs(forecast - series[batch, 0])
    return errors


def combined(channel: ScoredChannel, gru: dict, signal) -> ScoredChannel:
    error, level = signal(np.sqrt(channel.record_scores()), gru["test"], np.sqrt(channel.threshold),
                          np.sqrt(gru["threshold"]))
    scores = error ** 2
    return ScoredChannel(channel.channel, np.stack([scores[s:s + 30] for s in channel.starts]), channel.starts,
                         level ** 2, channel.labels, channel.length)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forecasters", nargs="+", required=True, help="SEED=DIR forecaster repositories")
    parser.add_argument("--out", type=Path, default=Path("/tmp/satmon-long-context"))
    parser.add_argument("--cross-validate", action="store_true")
    parser.add_argument("--gru-reads", type=int, help="the GRU reads only each row's first N columns (1: the value)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = {}
    for item in args.forecasters:
        seed, directory = item.split("=", 1)
        runs[int(seed)] = (score_channels(Path(directory)), train_gru_errors(int(seed), args.out, args.gru_reads))
    for name, signal in SIGNALS.items():
        figures = []
        for scored, gru in runs.values():
            channels = [combined(c, gru[c.channel], signal) for c in scored]
            figures.append(aggregate([score_channel(c.channel, detect(c.window_scores, c.starts, c.threshold),
                                                    c.labels, c.length, c.threshold) for c in channels]))
        f1 = [f["event_f1"] for f in figures]
        mean = {k: float(np.mean([f[k] for f in figures])) for k in
                ("event_precision", "event_recall", "false_alerts", "median_detection_delay")}
        print(f"{name:<24} event F1 {np.mean(f1):.3f} ({min(f1):.3f}-{max(f1):.3f})  P {mean['event_precision']:.3f}  "
              f"R {mean['event_recall']:.3f}  false alerts {mean['false_alerts']:.1f}  "
              f"median delay {mean['median_detection_delay']:.1f}", flush=True)
    if args.cross_validate:
        for name in ("forecaster alone", "geometric mean"):
            for seed, (scored, gru) in runs.items():
                out = cross_validate([combined(c, gru[c.channel], SIGNALS[name]) for c in scored],
                                     grid_configs(DetectorConfig()))
                held = out["cross_validated"]
                print(f"cross-validated, {name}, seed {seed}: event F1 {held['event_f1']:.3f}, "
                      f"{held['false_alerts']} false alerts (in-sample {out['in_sample']['event_f1']:.3f})", flush=True)
    print("command: python -m benchmarks.quality_long_context --forecasters", " ".join(args.forecasters),
          "--cross-validate" if args.cross_validate else "", f"--gru-reads {args.gru_reads}" if args.gru_reads else "")


if __name__ == "__main__":
    main()
