#!/usr/bin/env bash
# curl_baseline.sh URL_LIST_FILE OUT_DIR N
#
# The baseline for sync_bench.py: download every URL in URL_LIST_FILE (one per
# line) into OUT_DIR with ONE curl process running N transfers at a time, and
# print the wall time on the last line as "curl_seconds=<float>".
# Output names are "<line number>_<last path segment>", so they never collide.
set -euo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: $0 URL_LIST_FILE OUT_DIR N" >&2
    exit 2
fi
url_list=$1
out_dir=$2
jobs=$3
case $jobs in
    ''|*[!0-9]*|0) echo "N must be a positive integer, not '$jobs'" >&2; exit 2 ;;
esac
[ -r "$url_list" ] || { echo "cannot read $url_list" >&2; exit 2; }
mkdir -p "$out_dir"

config=$(mktemp "${TMPDIR:-/tmp}/curl-baseline.XXXXXX")
trap 'rm -f "$config"' EXIT

# One url/output pair per URL; config-file strings are double-quoted, so
# backslashes and quotes are escaped.
awk -v dir="$out_dir" '
    NF == 0 { next }
    {
        url = $0; sub(/\r$/, "", url)
        name = url; sub(/[?#].*$/, "", name); sub(/^.*\//, "", name)
        if (name == "") name = "file"
        n += 1
        out = dir "/" n "_" name
        gsub(/\\/, "\\\\", url); gsub(/"/, "\\\"", url)
        gsub(/\\/, "\\\\", out); gsub(/"/, "\\\"", out)
        printf "url = \"%s\"\noutput = \"%s\"\n", url, out
    }
' "$url_list" > "$config"

count=$(grep -c '^url = ' "$config" || true)
start=$(date +%s.%N)
# --no-progress-meter: curl 7.x still draws the parallel meter with -sS
curl --parallel --parallel-max "$jobs" --silent --show-error --fail --no-progress-meter --config "$config"
end=$(date +%s.%N)

echo "downloaded $count URLs into $out_dir with --parallel-max $jobs"
awk -v s="$start" -v e="$end" 'BEGIN { printf "curl_seconds=%.3f\n", e - s }'
