#!/bin/sh
# System packages the test suite needs beyond Python: Chromium (browser tests), gettext (translation
# check), a CJK font (readable screenshots). Installed with apt-get when missing and we are root.
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v xgettext >/dev/null 2>&1 || missing="$missing gettext"
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing="$missing fonts-wqy-microhei"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "Please install these system packages first:$missing  (e.g. sudo apt-get install -y$missing)" >&2
  exit 1
fi
