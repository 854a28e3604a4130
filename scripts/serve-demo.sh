#!/bin/sh
# Serves the demo: the background-task worker and the web server, stopped together with Ctrl-C.
set -e
PY="$1"
"$PY" manage.py db_worker --queue-name '*' --interval 1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null' EXIT INT TERM
"$PY" manage.py runserver 127.0.0.1:8000
