#!/bin/sh
# Install what the browser tests need and pip cannot provide: Debian's chromium and chromium-driver.
# Does nothing when both are already there.
set -e
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "The browser tests need Debian's chromium and chromium-driver: run 'sudo apt-get install chromium chromium-driver'." >&2
  exit 1
fi
