#!/usr/bin/env bash
# Builds tests/vcsim (govmomi's vSphere simulator with injected virtualDisk
# series) offline from Debian's packages: golang-go and
# golang-github-vmware-govmomi-dev (0.24.2 ships the simulator but no main).
# Usage: tools/build_vcsim.sh OUT   (about a minute cold on 2 cores, seconds cached)
set -euo pipefail
out=$(realpath -m "${1:?usage: tools/build_vcsim.sh OUT}")
src="$(cd "$(dirname "$0")/.." && pwd)/tests/vcsim/main.go"
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/vcsim"
cp "$src" "$gopath/src/vcsim/main.go"
cd "$gopath/src/vcsim"
GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOPROXY=off GOFLAGS= \
    go build -o "$out" vcsim
