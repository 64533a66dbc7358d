#!/usr/bin/env bash
# Serve a benchmark corpus (benches/corpus.py) with nginx on 127.0.0.1 only, with ETag and
# Last-Modified (so a second run can be answered 304), an access log that records each
# request's status and conditional headers, and no gzip (the body sizes are the corpus's).
#
#   benches/serve.sh start CORPUS_DIR [PORT]   # prints the PID; PORT defaults to 8089
#   benches/serve.sh stop CORPUS_DIR           # stops that nginx by its PID
#
# Everything nginx writes (config, PID, logs, temp) stays in CORPUS_DIR/nginx/.
# Needs Debian's nginx (`apt-get install -y nginx`).
set -euo pipefail

cmd=${1:?usage: serve.sh start|stop CORPUS_DIR [PORT]}
dir=$(cd "${2:?usage: serve.sh start|stop CORPUS_DIR [PORT]}" && pwd)
port=${3:-8089}
run="$dir/nginx"

case "$cmd" in
start)
    mkdir -p "$run/tmp"
    : > "$run/access.log"
    cat > "$run/nginx.conf" <<EOF
worker_processes 1;
pid $run/nginx.pid;
error_log $run/error.log warn;
daemon on;
events { worker_connections 1024; }
http {
    types { application/rss+xml xml; }
    default_type application/octet-stream;
    log_format bench '\$status \$body_bytes_sent "\$http_if_none_match" "\$http_if_modified_since" \$request_uri';
    access_log $run/access.log bench;
    client_body_temp_path $run/tmp/body;
    proxy_temp_path $run/tmp/proxy;
    fastcgi_temp_path $run/tmp/fastcgi;
    uwsgi_temp_path $run/tmp/uwsgi;
    scgi_temp_path $run/tmp/scgi;
    sendfile on;
    keepalive_requests 100000;
    gzip off;
    etag on;
    if_modified_since exact;
    server {
        listen 127.0.0.1:$port;
        root $dir;
    }
}
EOF
    nginx -c "$run/nginx.conf" -p "$run" -e "$run/error.log"
    for _ in $(seq 50); do
        [ -s "$run/nginx.pid" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/corpus.json" && break
        sleep 0.1
    done
    cat "$run/nginx.pid"
    ;;
stop)
    if [ -s "$run/nginx.pid" ]; then
        pid=$(cat "$run/nginx.pid")
        kill "$pid"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
*)
    echo "usage: serve.sh start|stop CORPUS_DIR [PORT]" >&2
    exit 2
    ;;
esac
