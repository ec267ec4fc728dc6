"""The online detector's cost per record, as the writer pays it (one window's fresh rows per call).

    python -m benchmarks.bench_detector [--records 200000] [--smap]

Prints microseconds per record and the records per second one core sustains, against the rate
1,000 satellites produce (7 subsystems x 1 record/s = 7,000 records/s), plus the checkpoint size.
The stream is noise (few candidate thresholds survive the search); `--smap` also times the detector
over SMAP's 54 test arrays as the committed models score them (scoring not timed), where events
make the threshold search do its full work.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from satmon_detection.detector import DetectorConfig, StreamDetector, feed_window
from satmon_detection.windows import window_starts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--smap", action="store_true", help="also time it over SMAP's test arrays (needs SATMON_DATA_DIR)")
    args = parser.parse_args()
    scores = np.random.default_rng(1).normal(0, 0.02, args.records) ** 2
    detector = StreamDetector(DetectorConfig(), baseline=0.05)
    starts = window_starts(len(scores))
    windows = [scores[s:s + 30] for s in starts]
    began = time.process_time()
    for start, window in zip(starts, windows):
        feed_window(detector, int(start), window)
    cpu = time.process_time() - began
    fed = detector.count
    began = time.process_time()
    for _ in range(1000):
        StreamDetector.from_state(detector.to_state())
    checkpoint_us = (time.process_time() - began) / 1000 * 1e6
    print(f"detector: {fed} records in {cpu:.2f} CPU s = {cpu / fed * 1e6:.1f} us/record, "
          f"{fed / cpu:,.0f} records/s per core ({fed / cpu / 7000:.1f}x the 7,000 records/s of 1,000 satellites)")
    print(f"checkpoint: {len(detector.to_state())} bytes, save+restore {checkpoint_us:.0f} us")
    if args.smap:
        _smap()
    print("command: python -m benchmarks.bench_detector --records", args.records, "--smap" if args.smap else "")


def _smap() -> None:
    from satmon_core.paths import repo_root
    from satmon_detection.offline import detect, score_channels

    scored = score_channels(repo_root() / "triton-repository")
    records = sum(channel.length for channel in scored)
    began = time.process_time()
    for channel in scored:
        detect(channel.window_scores, channel.starts, channel.threshold, DetectorConfig())
    cpu = time.process_time() - began
    print(f"detector over SMAP's test arrays: {len(scored)} channels, {records} records in {cpu:.2f} CPU s = "
          f"{cpu / records * 1e6:.1f} us/record")


if __name__ == "__main__":
    main()
