#!/usr/bin/env python3
"""Python feedparser over the files listed in LIST, one at a time, as `digest parse --files`
does; prints `items=N bytes=N errors=N` (errors: files feedparser flagged as not well-formed
and got no entries from)."""
import sys

import feedparser

items = size = errors = 0
with open(sys.argv[1]) as listing:
    for path in filter(None, (line.strip() for line in listing)):
        with open(path, "rb") as f:
            data = f.read()
        size += len(data)
        feed = feedparser.parse(data)
        if feed.bozo and not feed.entries:
            errors += 1
            print(f"{path}: {feed.bozo_exception}", file=sys.stderr)
        items += len(feed.entries)
print(f"items={items} bytes={size} errors={errors}")
