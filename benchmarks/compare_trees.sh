#!/usr/bin/env bash
# Before/after at 1,000 satellites: each tree measured warm on a fresh stack, trees alternating.
#
#   benchmarks/compare_trees.sh TREE [TREE ...]      e.g. benchmarks/compare_trees.sh OLD NEW OLD NEW
#
# TREE is anything git names a commit by; each is resolved before the first checkout.
#
# This machine's speed moves by a third within an hour, so trees are compared only in pairs run
# back to back by this script, never against a figure from another hour. Per tree, in this working
# copy: `git checkout TREE`, `python -m benchmarks.bench_scheduler`, `satmon up` on a fresh
# SATMON_HOME, `python -m benchmarks.machine_reference`, `bench_pipeline --satellites 1000 --seconds
# 60` (the warm-up: Kafka's JIT and the streams' start, unmeasured; old trees have no --warmup, so
# every tree is warmed the same way), `bench_pipeline --satellites 1000 --seconds 100` (measured),
# `satmon down`. Each run's full output goes to stdout, then one summary line per tree.
#
# It checks trees out, so it refuses a working copy with uncommitted changes, and it goes back to
# the branch it started on. Nothing else should run meanwhile: the figures are CPU per record.
# Needs the SMAP data (SATMON_DATA_DIR, default ../shared/data/smap) and ./scripts/install.sh done.
set -u
cd "$(git rev-parse --show-toplevel)"
if [ $# -eq 0 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "uncommitted changes: commit or stash them first (this script checks trees out)" >&2
  exit 2
fi
trees=()
for name in "$@"; do
  trees+=("$(git rev-parse --verify --short "$name^{commit}")") || exit 2
done
start=$(git symbolic-ref -q --short HEAD || git rev-parse HEAD)
trap 'git checkout -q "$start"' EXIT
export SATMON_DATA_DIR=${SATMON_DATA_DIR:-$(cd .. && pwd)/shared/data/smap}
log=$(mktemp /tmp/compare-trees.XXXX.log)
for tree in "${trees[@]}"; do
  git checkout -q "$tree" || exit 1
  echo "##### tree $(git rev-parse --short HEAD) $(date -u +%H:%M:%S) $(git log --format=%s -1 | cut -c1-60)" | tee -a "$log"
  .venv/bin/python -m benchmarks.bench_scheduler --satellites 200 --seconds 200 2>&1 | tail -1 | tee -a "$log"
  home=$(mktemp -d /tmp/satmon-home.XXXX)
  if ! SATMON_HOME=$home .venv/bin/satmon up >/dev/null 2>&1; then
    echo "satmon up failed for $tree" | tee -a "$log"
  else
    SATMON_HOME=$home .venv/bin/python -m benchmarks.machine_reference 2>&1 | tail -1 | tee -a "$log"
    SATMON_HOME=$home .venv/bin/python -m benchmarks.bench_pipeline --satellites 1000 --seconds 60 >/dev/null 2>&1
    SATMON_HOME=$home .venv/bin/python -m benchmarks.bench_pipeline --satellites 1000 --seconds 100 2>&1 | tee -a "$log"
  fi
  SATMON_HOME=$home .venv/bin/satmon down >/dev/null 2>&1
  rm -rf "$home"
done
echo
echo "summary (CPU ms per record across the stack; $log has every run):"
awk '/^##### tree/ {tree=$3" "$4}
     /^ 1000 +1000 +175000/ {lat="windows "$5" p50 "$6" s p99 "$7" s"}
     /^CPU milliseconds per record/ {per_record=1; next}
     per_record && /^ 1000 / {print tree, lat, "CPU ms/record", $NF; per_record=0; lat=""}' "$log"
