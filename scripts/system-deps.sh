#!/usr/bin/env bash
# Install the Debian packages a command needs, only when they are missing.
# Usage: scripts/system-deps.sh redis postgresql chromium espeak
set -euo pipefail

# Chromium comes with a CJK font so that pages in Chinese render (and screenshot) as text, not boxes.
# fonts: the CJK fonts bench/bench_ocr_cards.py draws its business cards with.
declare -A PACKAGE=( [redis]=redis-server [postgresql]=postgresql [chromium]="chromium fonts-wqy-microhei" [espeak]=espeak-ng
  [fonts]="fonts-wqy-zenhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk" [ffmpeg]=ffmpeg )
have() {
  case "$1" in
    redis) command -v redis-server >/dev/null ;;
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ;;
    chromium) command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi wqy ;;
    espeak) command -v espeak-ng >/dev/null ;;
    ffmpeg) command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null ;;
    fonts)  # grep reads a here-string: grep -q on a pipe would fail the pipeline under pipefail (SIGPIPE)
      local fonts; fonts=$(fc-list 2>/dev/null) || return 1
      for font in zenhei ukai uming 'Noto Sans CJK'; do grep -qi "$font" <<<"$fonts" || return 1; done ;;
    *) echo "unknown dependency $1" >&2; exit 2 ;;
  esac
}

missing=()
for dep in "$@"; do
  if ! have "$dep"; then
    read -ra packages <<<"${PACKAGE[$dep]}"
    missing+=("${packages[@]}")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo -n); else
  echo "Missing Debian packages: ${missing[*]} — install them (apt-get install ${missing[*]}) and rerun." >&2; exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
