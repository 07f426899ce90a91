#!/usr/bin/env bash
# Adds Debian's source archive (deb-src, signed by the Debian archive keyring) to apt, so
# `apt-get source luajit` works. Run as root; does nothing when it is there already.
set -euo pipefail
apt-get source --print-uris luajit >/dev/null 2>&1 && exit 0
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
cat > /etc/apt/sources.list.d/ljmm-deb-src.sources <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt-get update -qq
