#!/usr/bin/env bash
# Installs the Debian 12 packages vscsi needs (as root, or through sudo), then
# configures and builds ./build. Safe to run again: it installs only what is
# missing and reconfigures an existing build tree. Extra arguments and
# $VSCSI_MESON_ARGS go to `meson setup` (e.g. -Db_sanitize=address,undefined).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ pkgconf meson ninja-build
          libboost-json1.81-dev libboost-program-options1.81-dev
          libssh-dev libfmt-dev catch2 fio openssh-server openssh-client procps
          libexpat1-dev libssl-dev  # the vSphere API (vcenter survey): XML and HTTPS
          golang-go golang-github-vmware-govmomi-dev openssl  # tests: govmomi's simulator (tests/vcsim), certificates
          curl prometheus  # curl and promtool (from prometheus) check the metrics endpoint in tests
          gnuplot-nox fonts-dejavu-core  # charts (analyze --visualize/--report, compare --report)
          chromium python3  # tests load the HTML reports in headless Chromium
          clang-format  # the style test (tools/check_format.sh)
          clang libclang-rt-dev)  # libFuzzer targets (fuzz/run.sh, the fuzz_smoke test)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "bootstrap: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# shellcheck disable=SC2206
extra=(${VSCSI_MESON_ARGS:-} "$@")
if [ -f build/build.ninja ]; then
    meson setup --reconfigure build "${extra[@]}" >/dev/null
else
    meson setup build "${extra[@]}" >/dev/null
fi
meson compile -C build
