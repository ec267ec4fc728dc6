"""`satmon train` and `satmon eval`: thin wrappers over satmon_detection."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from satmon_core.paths import repo_root

__all__ = ["train", "evaluate"]


def _train_one(channel: str, out: str, seed: int, epochs: int, architecture: str) -> dict:
    import torch

    from satmon_detection.training import TrainConfig, train_channel

    torch.set_num_threads(1)  # one channel per process; parallelism comes from --jobs
    return train_channel(channel, Path(out), TrainConfig(seed=seed, epochs=epochs, architecture=architecture))


def train(channels: list[str] | None, out: Path | None, jobs: int, seed: int, epochs: int,
          architecture: str = "forecaster") -> int:
    try:
        import torch  # noqa: F401
    except ImportError:
        print("satmon: training needs PyTorch: pip install torch==2.13.0 onnx (or pip install -e '.[train]')",
              file=sys.stderr)
        return 2
    from satmon_detection.smap import load_labels

    out = out or repo_root() / "triton-repository"
    chosen = channels or sorted(load_labels())
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_train_one, c, str(out), seed, epochs, architecture): c for c in chosen}
        with tqdm(total=len(futures), desc="training", unit="model") as bar:
            for future in as_completed(futures):
                summary = future.result()
                bar.set_postfix_str(f"{summary['channel']} normal error={summary['normal_error']:.4g}")
                bar.update()
    print(f"wrote {len(chosen)} models to {out}")
    return 0


def evaluate(repository: Path | None, channels: list[str] | None, as_json: bool, window_phase: int = 0) -> int:
    from satmon_detection.offline import evaluate as run

    repository = repository or repo_root() / "triton-repository"
    bar = tqdm(desc="evaluating", unit="channel", file=sys.stderr, disable=None)
    report = run(repository, channels, progress=lambda _: bar.update(), window_phase=window_phase)
    bar.close()
    if as_json:
        json.dump(report, sys.stdout, indent=1)
        print()
        return 0
    o = report["overall"]
    print(f"{'channel':<8} {'event P':>8} {'event R':>8} {'event F1':>9} {'PA F1':>7} {'point F1':>9} {'delay':>6}")
    for c in report["channels"]:
        delay = "-" if c["median_detection_delay"] is None else f"{c['median_detection_delay']:.0f}"
        print(f"{c['channel']:<8} {c['event_precision']:8.3f} {c['event_recall']:8.3f} {c['event_f1']:9.3f} "
              f"{c['point_adjusted_f1']:7.3f} {c['point_f1']:9.3f} {delay:>6}")
    print(f"{'overall':<8} {o['event_precision']:8.3f} {o['event_recall']:8.3f} {o['event_f1']:9.3f} "
          f"{o['point_adjusted_f1']:7.3f} {o['point_f1']:9.3f} {o['median_detection_delay']!s:>6}")
    return 0


def cross_validate(repository: Path | None, channels: list[str] | None, as_json: bool, window_phase: int = 0) -> int:
    from satmon_detection.cross_validation import cross_validate as run, grid_configs
    from satmon_detection.detector import DetectorConfig
    from satmon_detection.offline import score_channels

    repository = repository or repo_root() / "triton-repository"
    with tqdm(desc="scoring", unit="channel", file=sys.stderr, disable=None) as bar:
        scored = score_channels(repository, channels, progress=lambda _: bar.update(), window_phase=window_phase)
    configs = grid_configs(DetectorConfig())
    with tqdm(total=len(configs), desc="detector settings", unit="setting", file=sys.stderr, disable=None) as bar:
        report = run(scored, configs, progress=lambda _: bar.update())
    if as_json:
        json.dump(report, sys.stdout, indent=1)
        print()
        return 0

    def line(name: str, o: dict, extra: str = "") -> str:
        return (f"{name:<16} {o['event_precision']:8.3f} {o['event_recall']:8.3f} {o['event_f1']:9.3f} "
                f"{o['false_alerts']:>6} {o['median_detection_delay']!s:>6}  {extra}")

    print(f"{'':<16} {'event P':>8} {'event R':>8} {'event F1':>9} {'false':>6} {'delay':>6}  chosen on the rest")
    for fold in report["folds"]:
        print(line(f"held out {fold['family']}", fold["held_out"], str(fold["chosen"])))
    print(line("cross-validated", report["cross_validated"]))
    print(line("in-sample best", report["in_sample"], str(report["in_sample"]["chosen"])))
    return 0
