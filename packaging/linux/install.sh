#!/usr/bin/env bash
# Install Suno Desktop for the current user, no root needed:
#   ~/.local/opt/SunoDesktop/                         the app (the PyInstaller one-folder bundle)
#   ~/.local/bin/suno-desktop                         a link to its SunoDesktop executable
#   $XDG_DATA_HOME/applications/suno-desktop.desktop  the launcher entry (Exec = that link)
#   $XDG_DATA_HOME/icons/hicolor/<N>x<N>/apps/suno-desktop.png (+ scalable/apps/suno-desktop.svg)
# ($XDG_DATA_HOME defaults to ~/.local/share.)
#
# Run it from the unpacked release folder (SunoDesktop-<version>-linux-x86_64/SunoDesktop/install.sh)
# or from a checkout after packaging/build (packaging/linux/install.sh installs dist/SunoDesktop).
#   install.sh              install, or update an earlier install in place
#   install.sh --uninstall  remove everything listed above
set -euo pipefail

usage() {
  sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

mode=install
case "${1:-}" in
  "") ;;
  --uninstall) mode=uninstall ;;
  -h | --help) usage; exit 0 ;;
  *) echo "install.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
esac

: "${HOME:?install.sh: HOME is not set}"
data_home=${XDG_DATA_HOME:-}
case "$data_home" in
  /*) ;;
  *) data_home=$HOME/.local/share ;;  # unset, empty or relative: the XDG default
esac
opt_dir=$HOME/.local/opt/SunoDesktop
bin_dir=$HOME/.local/bin
link=$bin_dir/suno-desktop
apps_dir=$data_home/applications
icons_dir=$data_home/icons/hicolor
desktop_name=suno-desktop.desktop
icon_sizes=(16 24 32 48 64 128 256 512)

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

# Our own bundle folder: it has the SunoDesktop executable and PyInstaller's _internal/.
is_bundle() { [ -f "$1/SunoDesktop" ] && [ -x "$1/SunoDesktop" ] && [ -d "$1/_internal" ]; }

refresh_caches() {
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$apps_dir" 2>/dev/null || true
  fi
  [ -d "$icons_dir" ] || return 0
  touch "$icons_dir"
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -f -t "$icons_dir" 2>/dev/null || true
  fi
}

uninstall() {
  if [ -L "$link" ]; then
    rm -f "$link" && say "removed $link"
  elif [ -e "$link" ]; then
    say "left $link alone: it is not the link this script made"
  fi
  if [ -e "$opt_dir" ]; then
    is_bundle "$opt_dir" || die "$opt_dir does not look like a Suno Desktop install; remove it by hand"
    rm -rf -- "$opt_dir" && say "removed $opt_dir"
  fi
  rmdir "$HOME/.local/opt" 2>/dev/null || true
  rm -f -- "$apps_dir/$desktop_name"
  for size in "${icon_sizes[@]}"; do
    rm -f -- "$icons_dir/${size}x${size}/apps/suno-desktop.png"
  done
  rm -f -- "$icons_dir/scalable/apps/suno-desktop.svg"
  refresh_caches
  say "Suno Desktop is uninstalled (your library and settings are kept)."
}

# Where this script is decides where the app, the .desktop file and the icons come from.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
if is_bundle "$here"; then  # the unpacked release folder (or the installed copy itself)
  app_src=$here
  desktop_src=$here/share/applications/$desktop_name
  icon_src=$here/share/icons/hicolor
  svg_src=$icon_src/scalable/apps/suno-desktop.svg
else  # packaging/linux/ in a checkout
  root=$(cd "$here/../.." && pwd -P)
  app_src=${SUNO_DESKTOP_BUNDLE:-$root/dist/SunoDesktop}
  desktop_src=$here/$desktop_name
  icon_src=$root/resources/icons/hicolor
  svg_src=$root/resources/icons/suno-desktop.svg
fi

if [ "$mode" = uninstall ]; then
  uninstall
  exit 0
fi

is_bundle "$app_src" || die "no Suno Desktop bundle in $app_src: run packaging/build first"
[ -f "$desktop_src" ] || die "$desktop_src is missing"
[ -d "$icon_src" ] || die "$icon_src is missing"

# The .desktop Exec key runs the link by its absolute path, quoted; characters that would
# need escaping inside the quotes are refused rather than half-handled.
case "$link" in
  *'"'* | *'`'* | *'$'* | *'\'* | *$'\n'*)
    die "the path $link has a character a .desktop Exec line cannot carry safely" ;;
esac
exec_cmd="\"${link//%/%%}\""

# 1. the app folder: copy beside the old one, then swap, so a failed copy leaves it intact
app_src_real=$(cd "$app_src" && pwd -P)
if [ "$app_src_real" != "$(cd "$opt_dir" 2>/dev/null && pwd -P || true)" ]; then
  if [ -e "$opt_dir" ] && ! is_bundle "$opt_dir"; then
    die "$opt_dir exists and is not a Suno Desktop install; move it away first"
  fi
  mkdir -p "$(dirname "$opt_dir")"
  staging=$opt_dir.new.$$
  trap 'rm -rf -- "$staging"' EXIT
  cp -a -- "$app_src_real" "$staging"
  rm -rf -- "$opt_dir"
  mv -- "$staging" "$opt_dir"
  trap - EXIT
  say "installed the app in $opt_dir"
else
  say "the app is already in $opt_dir"
fi

# 2. the command
mkdir -p "$bin_dir"
if [ -e "$link" ] && [ ! -L "$link" ]; then
  say "warning: $link exists and is not a link (a pip --user install?); left it alone"
else
  ln -sfn -- "$opt_dir/SunoDesktop" "$link"
  say "linked $link -> $opt_dir/SunoDesktop"
fi

# 3. the launcher entry, with Exec/TryExec pointing at the installed app
mkdir -p "$apps_dir"
desktop_tmp=$apps_dir/.$desktop_name.$$
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    Exec=suno-desktop*) printf 'Exec=%s%s\n' "$exec_cmd" "${line#Exec=suno-desktop}" ;;
    TryExec=*) printf 'TryExec=%s\n' "$link" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$desktop_src" >"$desktop_tmp"
chmod 644 "$desktop_tmp"
mv -f -- "$desktop_tmp" "$apps_dir/$desktop_name"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$apps_dir/$desktop_name" || say "warning: desktop-file-validate reported problems"
fi
say "installed $apps_dir/$desktop_name"

# 4. the icons
installed_icons=0
for size in "${icon_sizes[@]}"; do
  png=$icon_src/${size}x${size}/apps/suno-desktop.png
  if [ -f "$png" ]; then
    mkdir -p "$icons_dir/${size}x${size}/apps"
    cp -f -- "$png" "$icons_dir/${size}x${size}/apps/suno-desktop.png"
    installed_icons=$((installed_icons + 1))
  fi
done
if [ -f "$svg_src" ]; then
  mkdir -p "$icons_dir/scalable/apps"
  cp -f -- "$svg_src" "$icons_dir/scalable/apps/suno-desktop.svg"
  installed_icons=$((installed_icons + 1))
fi
say "installed $installed_icons icons in $icons_dir"

refresh_caches

case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) say "note: $bin_dir is not on your PATH; add it to run 'suno-desktop' from a terminal" ;;
esac
say "Done: start Suno Desktop from your applications menu, or run 'suno-desktop'."
if [ -f "$opt_dir/install.sh" ]; then
  say "To remove it: $opt_dir/install.sh --uninstall"
fi
