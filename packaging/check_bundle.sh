#!/usr/bin/env bash
# Check a built Linux bundle (after packaging/build), the way a user would run it:
#   1. --self-test offscreen (imports, library, bundled media, ID3 tags, playback): "Self-test passed."
#   2. --version is the version in pyproject.toml
#   3. `list --library <missing folder>` fails with a clear message and exit code 2
#   4. `sync --demo` through the frozen app fills a library from the built-in local relay
#   5. the .desktop file passes desktop-file-validate, and install.sh installs into a temporary
#      HOME (validated again there, link and icons in place, the link runs) and uninstalls cleanly
#   6. with Xvfb installed: the window opens (`--demo`) and stays up; a screenshot is saved when
#      ImageMagick's `import` is there (skip with --no-gui)
# Usage: packaging/check_bundle.sh [--no-gui] [BUNDLE_DIR]     (default dist/SunoDesktop)
# Runs in a scratch HOME: it never touches your settings, keyring or library.
# Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

gui=auto
bundle=dist/SunoDesktop
for arg in "$@"; do
  case "$arg" in
    --no-gui) gui=no ;;
    -h | --help) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) bundle=$arg ;;
  esac
done
bundle=$(cd "$bundle" 2>/dev/null && pwd -P) || { echo "check_bundle: no bundle at $bundle (run packaging/build)" >&2; exit 2; }
app=$bundle/SunoDesktop
[ -x "$app" ] || { echo "check_bundle: $app is missing" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/suno-check.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf -- "$work"
}
trap cleanup EXIT
mkdir -p "$work/home" "$work/tmp"
# A scratch user: settings, QSettings, demo libraries and the keyring stay out of the real HOME.
export HOME=$work/home TMPDIR=$work/tmp SUNO_DESKTOP_CONFIG_DIR=$work/config SUNO_DESKTOP_KEYRING=0
unset XDG_CONFIG_HOME XDG_DATA_HOME SUNO_API_BASE_URL SUNO_API_TOKEN SUNO_LIBRARY

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
show() { sed 's/^/      | /' "$1" | tail -n "${2:-15}"; }

# 1. self-test
QT_QPA_PLATFORM=offscreen timeout 120 "$app" --self-test >"$work/self-test.out" 2>"$work/self-test.err"
code=$?
if [ $code -eq 0 ] && grep -qx "Self-test passed." "$work/self-test.out"; then
  pass "self-test: $(grep '^ok    playback' "$work/self-test.out" | cut -c7-)"
else
  fail "self-test exited $code"; show "$work/self-test.out"; show "$work/self-test.err" 5
fi

# 2. version
expected=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$root/pyproject.toml" | head -1)
reported=$("$app" --version 2>&1)
if [ "$reported" = "suno-desktop $expected" ]; then
  pass "--version: $reported"
else
  fail "--version said '$reported', expected 'suno-desktop $expected'"
fi

# 3. list where no library was ever made: empty, exit 0, and nothing made
"$app" list --library "$work/no-such-library" >"$work/list.out" 2>"$work/list.err"
code=$?
if [ $code -eq 0 ] && grep -q "is empty" "$work/list.err" && [ ! -e "$work/no-such-library" ]; then
  pass "list where no library was made: exit 0, \"$(head -c 90 "$work/list.err")…\""
else
  fail "list where no library was made exited $code"; show "$work/list.err" 5
fi

# 4. demo sync. The demo relay has one task that failed on purpose (the content filter), so the
# sync reports it and exits 1, exactly as from source; any other failure fails the check.
mkdir -p "$work/demo"
library=$work/demo/Library
timeout 180 "$app" sync --demo --poll-interval 0.2 --library "$library" >"$work/sync.out" 2>&1
code=$?
"$app" list --library "$library" --json >"$work/list.json" 2>/dev/null
clips=$(grep -c '"audio_path": "/' "$work/list.json")
mp3s=$(find "$library" -name '*.mp3' 2>/dev/null | wc -l)
other_failures=$(grep -E '^(failed|error|still pending|cancelled)' "$work/sync.out" | grep -vc "flagged by Suno's content filter")
if { [ $code -eq 0 ] || [ $code -eq 1 ]; } && [ "$other_failures" -eq 0 ] && [ "$clips" -gt 0 ] && [ "$mp3s" -gt 0 ]; then
  pass "sync --demo: exit $code, $(grep -o '^Synced [0-9]* task(s): [0-9]* clip(s)' "$work/sync.out"); $clips clips with audio, $mp3s MP3s"
else
  fail "sync --demo exited $code ($clips clips with audio, $other_failures unexpected failures)"; show "$work/sync.out"
fi

# 5. desktop integration
desktop=$bundle/share/applications/suno-desktop.desktop
if ! command -v desktop-file-validate >/dev/null 2>&1; then
  fail "desktop-file-validate is not installed (Debian: desktop-file-utils)"
elif out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ]; then
  pass "desktop-file-validate $(basename "$desktop")"
else
  fail "desktop-file-validate $desktop"; printf '%s\n' "$out" | sed 's/^/      | /'
fi
if [ -x "$bundle/install.sh" ]; then
  data=$HOME/.local/share
  "$bundle/install.sh" >"$work/install.out" 2>&1
  code=$?
  installed=$data/applications/suno-desktop.desktop
  problems=()
  [ $code -eq 0 ] || problems+=("install.sh exited $code")
  [ -x "$HOME/.local/opt/SunoDesktop/SunoDesktop" ] || problems+=("no app in ~/.local/opt/SunoDesktop")
  [ -L "$HOME/.local/bin/suno-desktop" ] || problems+=("no ~/.local/bin/suno-desktop link")
  [ "$("$HOME/.local/bin/suno-desktop" --version 2>&1)" = "suno-desktop $expected" ] || problems+=("the link does not run the app")
  [ -f "$data/icons/hicolor/256x256/apps/suno-desktop.png" ] || problems+=("no 256x256 icon")
  grep -qx "Exec=\"$HOME/.local/bin/suno-desktop\"" "$installed" 2>/dev/null || problems+=("Exec does not point at the installed app")
  out=$(desktop-file-validate "$installed" 2>&1) && [ -z "$out" ] || problems+=("installed .desktop invalid: $out")
  "$HOME/.local/opt/SunoDesktop/install.sh" --uninstall >>"$work/install.out" 2>&1 || problems+=("--uninstall failed")
  left=$(find "$HOME/.local" -name '*suno*' -o -name 'SunoDesktop' 2>/dev/null | head -3)
  [ -z "$left" ] || problems+=("left after --uninstall: $left")
  if [ ${#problems[@]} -eq 0 ]; then
    pass "install.sh in a scratch HOME: installed, validated, ran via ~/.local/bin/suno-desktop, uninstalled"
  else
    fail "install.sh: ${problems[*]}"; show "$work/install.out"
  fi
else
  fail "$bundle/install.sh is missing (build with packaging/build)"
fi

# 6. the window, under a virtual X server
if [ "$gui" != no ] && command -v Xvfb >/dev/null 2>&1; then
  display=
  for n in $(seq 90 120); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { display=:$n; break; }
  done
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  pids+=($!)
  sleep 1
  DISPLAY=$display "$app" --demo >"$work/gui.log" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  window=
  for _ in $(seq 1 30); do
    sleep 1
    kill -0 "$app_pid" 2>/dev/null || break
    if command -v xwininfo >/dev/null 2>&1; then
      window=$(DISPLAY=$display xwininfo -root -tree 2>/dev/null | grep -o '"Suno Desktop[^"]*"' | head -1)
      [ -n "$window" ] && break
    elif [ "$_" -ge 10 ]; then
      window="(process up for 10 s)"; break
    fi
  done
  shot=
  if [ -n "$window" ] && command -v import >/dev/null 2>&1; then
    sleep 3  # let the demo sync fill the table
    shot=${CHECK_SCREENSHOT:-$root/build/check-window.png}
    mkdir -p "$(dirname "$shot")"
    DISPLAY=$display import -window root "$shot" 2>/dev/null || shot=
  fi
  if [ -n "$window" ] && kill -0 "$app_pid" 2>/dev/null && ! grep -q Traceback "$work/gui.log"; then
    pass "window under Xvfb: $window${shot:+, screenshot $shot}"
  else
    fail "the window did not come up"; show "$work/gui.log"
  fi
  kill "$app_pid" 2>/dev/null
elif [ "$gui" != no ]; then
  printf 'skip  window check: Xvfb is not installed\n'
fi

echo "check_bundle: $passed passed, $failed failed"
[ $failed -eq 0 ]
