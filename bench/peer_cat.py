#!/usr/bin/env python3
"""The Python peer of `tuneset cat`: stdlib json only, the way a data
scientist would write it. JSON Lines are read a line at a time; a JSON array
has to be loaded whole with json.load (the stdlib has no streaming parser),
which is exactly the memory cost the benchmark shows.

usage: peer_cat.py IN OUT   (IN: .jsonl or a top-level JSON array)
Writes one compact record a line, key order kept, UTF-8 unescaped: the same
bytes `tuneset cat` writes, so the two outputs can be compared with cmp.
"""
import json
import sys


def is_array(path):
    with open(path, "rb") as f:
        while True:
            c = f.read(1)
            if not c or not c.isspace():
                return c == b"["


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: peer_cat.py IN OUT")
    src, dst = sys.argv[1], sys.argv[2]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        if is_array(src):
            with open(src, encoding="utf-8") as f:
                records = json.load(f)
            for r in records:
                out.write(dumps(r))
                out.write("\n")
        else:
            with open(src, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        out.write(dumps(json.loads(line)))
                        out.write("\n")


if __name__ == "__main__":
    main()
