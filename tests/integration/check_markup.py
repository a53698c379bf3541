#!/usr/bin/env python3
"""Checks that generated files are what their extension says.

.svg: well-formed XML whose root is <svg>.
.png: PNG signature, IHDR first, IEND last, every chunk's CRC right.
.html: a DOCTYPE, and every non-void element closed in order (html.parser).
Prints one line per file; exit 1 on the first problem.
usage: check_markup.py FILE...
"""
import struct
import sys
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def check_png(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "no PNG signature"
    pos, kinds = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) != crc:
            return f"bad CRC in chunk {kind!r}"
        kinds.append(kind)
        pos += 12 + length
    if kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or b"IDAT" not in kinds:
        return f"chunk order {kinds[:3]}...{kinds[-1:]}"
    w, h = struct.unpack(">II", data[16:24])
    return f"ok {w}x{h}"


def main(files):
    for f in files:
        data = open(f, "rb").read()
        if f.endswith(".png"):
            verdict = check_png(data)
        elif f.endswith(".svg"):
            try:
                root = ET.fromstring(data)
                verdict = "ok" if root.tag.endswith("svg") else f"root is {root.tag}"
            except ET.ParseError as e:
                verdict = f"not well-formed: {e}"
        elif f.endswith(".html"):
            text = data.decode("utf-8")
            p = Balance()
            p.feed(text)
            p.close()
            if not text.lstrip().lower().startswith("<!doctype html>"):
                verdict = "no DOCTYPE"
            elif p.problems or p.stack:
                verdict = "; ".join(p.problems[:3] + [f"unclosed <{t}> from line {pos[0]}" for t, pos in p.stack[:3]])
            else:
                verdict = "ok"
        else:
            verdict = "unknown type"
        print(f"{f}: {verdict}")
        if not verdict.startswith("ok"):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
