#!/usr/bin/env bash
# Installs the Debian packages iaptsim needs to build, test and chart, and only
# those that are missing. Uses sudo only when not already root.
# Usage: scripts/install-deps.sh [--fuzz]   (--fuzz adds clang and its fuzzer runtime)
set -euo pipefail

pkgs=(build-essential cmake pkg-config libgsl-dev libyaml-dev libcriterion-dev gnuplot-nox)
if [ "${1:-}" = "--fuzz" ]; then
  pkgs+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
