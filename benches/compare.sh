#!/usr/bin/env bash
# digest side by side with the tools users would pick instead, on one generated corpus.
# See benches/README.md for what each row measures and the last results.
#
#   benches/compare.sh [CORPUS_DIR]      # default: ${TMPDIR:-/tmp}/digest-bench-corpus
#
# Environment: RUNS (default 5: runs of each fast tool, alternating with digest),
# SLOW_RUNS (default 3: runs of newsboat, feedparser and the network rows), PORT (8089),
# SKIP_INSTALL=1 (use what is installed), DIGEST_BIN / PEERS_BIN (use these binaries instead
# of building them), FEEDPARSER_EVERY (20: feedparser parses every
# Nth file, as it takes minutes over the whole corpus; MB/s is per byte it parsed),
# ONLY (comma-separated sections to run: parse, fetch, floor, small, full; default all).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
corpus=${1:-${TMPDIR:-/tmp}/digest-bench-corpus}
runs=${RUNS:-5}
slow_runs=${SLOW_RUNS:-3}
port=${PORT:-8089}
every=${FEEDPARSER_EVERY:-20}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}

# --- peers and tools ------------------------------------------------------------------
if [ "${SKIP_INSTALL:-}" != 1 ]; then
    need=()
    for p in nginx:nginx newsboat:newsboat time:/usr/bin/time curl:curl; do
        command -v "${p#*:}" >/dev/null || need+=("${p%%:*}")
    done
    if [ ${#need[@]} -gt 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    python3 -c 'import feedparser' 2>/dev/null || python3 -m pip install -q 'feedparser>=6,<7'
    command -v r2e >/dev/null || python3 -m pip install -q 'rss2email>=3.13,<4'
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
# Copies: a shared target folder may be rebuilt by someone else during the run.
# Both with the `dist` profile (link-time optimization, one codegen unit): what `cargo install
# --profile dist` installs, and the same settings for the peers.
if [ -z "${DIGEST_BIN:-}" ]; then
    (cd "$repo" && cargo build --profile dist --locked --quiet --bin digest)
    DIGEST_BIN="$CARGO_TARGET_DIR/dist/digest"
fi
if [ -z "${PEERS_BIN:-}" ]; then
    (cd "$here/peers" && cargo build --profile dist --quiet)
    PEERS_BIN="$CARGO_TARGET_DIR/dist/digest-bench-peers"
fi
cp "$DIGEST_BIN" "$bin/digest"
cp "$PEERS_BIN" "$bin/digest-bench-peers"
digest="$bin/digest"
peers="$bin/digest-bench-peers"
"$digest" parse --help > /dev/null || { echo "$DIGEST_BIN has no parse command" >&2; exit 1; }

# --- corpus and server ----------------------------------------------------------------
[ -s "$corpus/files.txt" ] || python3 "$here/corpus.py" "$corpus" --port "$port" >/dev/null
awk -v n="$every" 'NR % n == 1' "$corpus/files.txt" > "$bin/files-feedparser.txt"
"$here/serve.sh" start "$corpus" "$port" >/dev/null
trap '"$here/serve.sh" stop "$corpus"; rm -rf "$bin"' EXIT
work="$bin/work"
results="$bin/results.tsv"
: > "$results"

# measure GROUP LABEL BYTES CMD...: one run under /usr/bin/time; records wall seconds, peak
# RSS (KiB) and BYTES (for MB/s; 0 for timed rows) in $results.
measure() {
    local group=$1 label=$2 bytes=$3
    shift 3
    local t="$bin/time.txt"
    if ! /usr/bin/time -f '%e %M' -o "$t" "$@" > "$bin/out.txt" 2> "$bin/err.txt"; then
        # digest exits 3 when some sources or files failed; the row still counts, with a note.
        [ -s "$t" ] || { echo "$label failed: $(tail -3 "$bin/err.txt")" >&2; return 0; }
    fi
    read -r wall rss < <(tail -1 "$t")
    printf '%s\t%s\t%s\t%s\t%s\n' "$group" "$label" "$wall" "$rss" "$bytes" >> "$results"
    printf '  %-34s %8.2f s %8d KiB  %s\n' "$label" "$wall" "$rss" "$(grep -m1 -E 'items=|fetched' "$bin/out.txt" || true)" >&2
}

# want SECTION: whether ONLY selects it.
want() { [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$1,"* ]]; }

bytes_of() { python3 -c 'import os,sys; print(sum(os.path.getsize(l.strip()) for l in open(sys.argv[1]) if l.strip()))' "$1"; }
all_bytes=$(bytes_of "$corpus/files.txt")
fp_bytes=$(bytes_of "$bin/files-feedparser.txt")
echo "corpus: $corpus ($(cat "$corpus/corpus.json" | tr -d '\n '))" >&2
echo "load before: $(uptime)" >&2

if want parse; then
echo "== parse only (one thread, from disk)" >&2
for i in $(seq "$runs"); do
    measure parse "digest parse" "$all_bytes" "$digest" parse --files "$corpus/files.txt"
    measure parse "feed-rs 3" "$all_bytes" "$peers" feed-rs "$corpus/files.txt"
    measure parse "digest parse" "$all_bytes" "$digest" parse --files "$corpus/files.txt"
    measure parse "rss 2 + atom_syndication 0.12" "$all_bytes" "$peers" rss-atom "$corpus/files.txt"
    measure parse "digest parse" "$all_bytes" "$digest" parse --files "$corpus/files.txt"
    measure parse "quick-xml 0.42 event loop (floor)" "$all_bytes" "$peers" quick-xml "$corpus/files.txt"
done
for i in $(seq "$slow_runs"); do
    measure parse "feedparser 6 (every ${every}th file)" "$fp_bytes" python3 "$here/peers/feedparser_parse.py" "$bin/files-feedparser.txt"
    measure parse "digest parse" "$all_bytes" "$digest" parse --files "$corpus/files.txt"
done
fi

# newsboat: the same URLs, the same concurrency as digest's [fetch] (8 in flight).
printf 'reload-threads 8\ndownload-retries 1\ndownload-timeout 30\n' > "$bin/newsboat.conf"
fetch_conditional_check() {
    local log="$corpus/nginx/access.log"
    local total not_modified conditional
    total=$(wc -l < "$log")
    not_modified=$(awk '$1 == 304' "$log" | wc -l)
    conditional=$(awk '$3 != "\"-\"" || $4 != "\"-\""' "$log" | wc -l)
    echo "  $1: $total requests, $not_modified answered 304, $conditional conditional" >&2
    printf 'check\t%s\t%s\t%s\t%s\n' "$1" "$total" "$not_modified" "$conditional" >> "$results"
}

if want fetch; then
echo "== fetch + parse + store, 1,000 feeds from nginx on 127.0.0.1 (8 in flight)" >&2
for i in $(seq "$slow_runs"); do
    rm -rf "$work" && mkdir -p "$work"
    measure cold "digest fetch (cold)" 0 "$digest" -q fetch --config "$corpus/feeds.toml" --state "$work/state" --output "$work/out"
    : > "$corpus/nginx/access.log"
    measure warm "digest fetch (warm, all 304)" 0 "$digest" -q fetch --config "$corpus/feeds.toml" --state "$work/state" --output "$work/out"
    fetch_conditional_check "digest warm run $i"
    measure cold "newsboat 2.21 reload (cold)" 0 newsboat -x reload -u "$corpus/urls.txt" -c "$work/newsboat.db" -C "$bin/newsboat.conf"
    : > "$corpus/nginx/access.log"
    measure warm "newsboat 2.21 reload (warm)" 0 newsboat -x reload -u "$corpus/urls.txt" -c "$work/newsboat.db" -C "$bin/newsboat.conf"
    fetch_conditional_check "newsboat warm run $i"
done
fi

if want floor; then
echo "== transfer floor: the 1,000 GETs alone, no parsing (curl, 8 in flight)" >&2
awk '{printf "url = %s\noutput = /dev/null\n", $0}' "$corpus/urls.txt" > "$bin/curl.cfg"
for i in $(seq "$runs"); do
    measure floor "curl 8 parallel (1,000 GETs)" 0 curl -s --no-progress-meter -Z --parallel-max 8 -K "$bin/curl.cfg"
done
fi

if want small; then
# rss2email: its own config of the first 250 feeds; digest gets the same 250 (the header of
# the corpus's feeds.toml and its first 250 [[source]] tables).
echo "== fetch + parse, 250 feeds, all 304 (rss2email's size)" >&2
mkdir -p "$bin/r2e"
{ printf '[DEFAULT]\nto = bench@example.org\n\n'
  head -250 "$corpus/urls.txt" | awk '{printf "[feed.f%04d]\nurl = %s\n\n", NR, $0}'; } > "$bin/r2e/r2e.cfg"
awk '/^\[\[source\]\]/ { n++ } n <= 250' "$corpus/feeds.toml" > "$bin/feeds250.toml"
rm -rf "$work" && mkdir -p "$work"
measure cold250 "digest fetch, 250 feeds (cold)" 0 "$digest" -q fetch --config "$bin/feeds250.toml" --state "$work/state" --output "$work/out"
measure cold250 "rss2email 3 run --no-send, 250 feeds (cold)" 0 r2e -c "$bin/r2e/r2e.cfg" -d "$bin/r2e/data.json" run --no-send
for i in $(seq "$runs"); do
    : > "$corpus/nginx/access.log"
    measure warm250 "digest fetch, 250 feeds (warm, all 304)" 0 "$digest" -q fetch --config "$bin/feeds250.toml" --state "$work/state" --output "$work/out"
    fetch_conditional_check "digest 250-feed warm run $i"
    : > "$corpus/nginx/access.log"
    measure warm250 "rss2email 3 run --no-send, 250 feeds (warm)" 0 r2e -c "$bin/r2e/r2e.cfg" -d "$bin/r2e/data.json" run --no-send
    fetch_conditional_check "rss2email 250-feed warm run $i"
done
fi

if want full; then
echo "== full cold run: fetch, extract, dedup, store, render (build --week 2026-W47)" >&2
for i in $(seq "$slow_runs"); do
    rm -rf "$work" && mkdir -p "$work"
    measure full "digest build --week (cold)" 0 "$digest" -q build --week 2026-W47 --config "$corpus/feeds.toml" --state "$work/state" --output "$work/out"
    measure build "digest build --week --no-fetch" 0 "$digest" -q build --week 2026-W47 --no-fetch --config "$corpus/feeds.toml" --state "$work/state" --output "$work/out"
done
fi

echo "load after: $(uptime)" >&2

python3 "$here/table.py" "$results"
