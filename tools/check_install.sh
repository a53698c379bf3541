#!/usr/bin/env bash
# Test: `meson install` puts the binary, the systemd user units, the bash
# completion and the man page where they belong, and they are usable.
set -euo pipefail
build="$1"
dest="$(mktemp -d)"
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
prefix="$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')"
root="$dest$prefix"
for f in bin/vscsi lib/systemd/user/vscsi.service lib/systemd/user/vscsi.socket \
         share/bash-completion/completions/vscsi share/man/man1/vscsi.1; do
    [ -f "$root/$f" ] || { echo "missing after install: $f"; exit 1; }
done
grep -q "^ExecStart=$prefix/bin/vscsi serve$" "$root/lib/systemd/user/vscsi.service" || { echo "vscsi.service: bad ExecStart"; exit 1; }
grep -q '^Type=notify$' "$root/lib/systemd/user/vscsi.service"
grep -q '^ListenStream=%t/vscsi/vscsi.sock$' "$root/lib/systemd/user/vscsi.socket"
grep -q '^\.TH VSCSI 1' "$root/share/man/man1/vscsi.1"
if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$root/share/man/man1/vscsi.1" 2>&1 | grep -q "daemon status" || { echo "man page does not render"; exit 1; }
fi
# The completion completes subcommands and job names.
out="$(XDG_DATA_HOME="$dest/xdg" bash -c '
    mkdir -p "$XDG_DATA_HOME/vscsi/jobs/sql-peak"
    source "$1"
    COMP_WORDS=(vscsi job st); COMP_CWORD=2; _vscsi; echo "${COMPREPLY[*]}"
    COMP_WORDS=(vscsi job status sq); COMP_CWORD=3; _vscsi; echo "${COMPREPLY[*]}"' _ "$root/share/bash-completion/completions/vscsi")"
[ "$out" = "$(printf 'start status stop\nsql-peak')" ] || { echo "completion: got: $out"; exit 1; }
"$root/bin/vscsi" version | grep -q '^vscsi '
echo "install ok"
