#!/usr/bin/env bash
# Installs whatever satmon is missing on Debian 12: the servers it runs (PostgreSQL,
# RabbitMQ, VictoriaMetrics, a JDK for Apache Kafka), the Python environment from the lock
# file, Kafka's jars from Maven Central, and the web toolchain. Safe to run again: it only
# installs what is absent or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'install: %s\n' "$*"; }

apt_missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_missing+=(postgresql-15)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || apt_missing+=(rabbitmq-server)
command -v victoria-metrics >/dev/null || apt_missing+=(victoria-metrics)
command -v npm >/dev/null || apt_missing+=(nodejs npm)
command -v setpriv >/dev/null || apt_missing+=(util-linux)
command -v java >/dev/null || apt_missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || apt_missing+=(maven)
if [ "${SATMON_BROWSER_TESTS:-0}" = 1 ]; then command -v chromium >/dev/null || apt_missing+=(chromium); fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "system packages: ${apt_missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  # The packages' own services are not used (satmon runs its own instances on 127.0.0.1).
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${apt_missing[@]}"
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || { say "creating .venv"; "$PYTHON" -m venv .venv; }
stamp=.venv/.satmon-lock-$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  say "python dependencies from requirements.lock"
  # (the sed drops this machine's pip-config noise about absent local index folders)
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock 2>&1 | sed '/is ignored: it is neither/d'
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e . 2>&1 | sed '/is ignored: it is neither/d'
  rm -f .venv/.satmon-lock-*; touch "$stamp"
fi

# satmon_native: the per-sample hot paths in Rust (native/, PyO3), built by maturin with the crates
# pinned in native/Cargo.lock. Rebuilt when its sources change.
nstamp=.venv/.satmon-native-$(cat native/Cargo.toml native/Cargo.lock native/pyproject.toml native/src/*.rs | sha256sum | cut -c1-16)
if [ ! -f "$nstamp" ]; then
  command -v cargo >/dev/null || { say "satmon_native needs Rust's cargo (1.75 or later): install it (rustup.rs) and run again"; exit 1; }
  say "satmon_native (Rust, compiled once)"
  .venv/bin/pip install -q --disable-pip-version-check ./native 2>&1 | sed '/is ignored: it is neither/d'
  rm -f .venv/.satmon-native-*; touch "$nstamp"
fi

# NVIDIA Triton (the nvidia-pytriton wheel's tritonserver) and its Python stub's environment.
tstamp=.venv-triton/.satmon-$(sha256sum deploy/triton/requirements.txt | cut -c1-16)
if [ ! -f "$tstamp" ]; then
  say "NVIDIA Triton server and its Python backend environment (.venv-triton)"
  rm -rf .venv-triton
  # The stub embeds the system's libpython3.11: build the environment from that interpreter when present.
  TPY=/usr/bin/python3.11; [ -x "$TPY" ] || TPY=$PYTHON
  "$TPY" -m venv .venv-triton
  .venv-triton/bin/pip install -q --disable-pip-version-check --no-deps nvidia-pytriton==0.7.0 2>&1 | sed '/is ignored: it is neither/d'
  .venv-triton/bin/pip install -q --disable-pip-version-check -r deploy/triton/requirements.txt 2>&1 \
    | sed -e '/is ignored: it is neither/d' -e "/dependency resolver does not currently/d" -e '/nvidia-pytriton .* requires/d'
  dist=$(echo .venv-triton/lib/python3*/site-packages/pytriton/tritonserver)
  pyver=$(.venv-triton/bin/python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  cp "$dist/python_backend_stubs/$pyver/triton_python_backend_stub" "$dist/backends/python/"
  touch "$tstamp"
fi

# Apache Kafka's broker jars, resolved once by Maven into .cache/ (pinned in deploy/kafka/pom.xml).
if ! ls .cache/kafka-*/lib/.resolved >/dev/null 2>&1; then
  say "Apache Kafka broker jars (Maven Central)"
  .venv/bin/python -c "from satmon_cli.stack.components.kafka import resolve_kafka_jars; print(resolve_kafka_jars())"
fi

# protoc-gen-openapiv2 (grpc-gateway), built by Go from the module proxy: `satmon gen` writes the
# OpenAPI document with it, and the contract tests check the committed one is current.
OPENAPIV2_VERSION=v2.27.3
if [ ! -x .cache/bin/protoc-gen-openapiv2-$OPENAPIV2_VERSION ]; then
  say "protoc-gen-openapiv2 $OPENAPIV2_VERSION (Go module proxy)"
  GOBIN="$PWD/.cache/gobin" go install github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2@$OPENAPIV2_VERSION
  mkdir -p .cache/bin && mv .cache/gobin/protoc-gen-openapiv2 .cache/bin/protoc-gen-openapiv2-$OPENAPIV2_VERSION
fi

if [ -f web/package-lock.json ]; then
  wstamp=web/node_modules/.satmon-lock-$(sha256sum web/package-lock.json | cut -c1-16)
  if [ ! -f "$wstamp" ]; then
    say "web dependencies (npm install)"
    # npm install (not ci): this registry mirror writes lock files without the optional
    # platform packages that npm ci insists on.
    (cd web && npm install --no-audit --no-fund --loglevel=error)
    touch "$wstamp"
  fi
fi
say "ok"
