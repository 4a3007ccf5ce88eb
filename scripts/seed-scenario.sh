#!/usr/bin/env bash
# The seed scenario end to end, as the README's manual check, on a machine that
# reaches Debian's archive but no container registry:
#  1. a Debian bookworm rootfs from mmdebstrap (cached: ~/.cache/tsrun-seed),
#  2. served as `ubuntu:16.04` by Debian's docker-registry on 127.0.0.1, set as
#     tsrun's registry mirror for docker.io (so `FROM ubuntu:16.04` pulls it),
#  3. the README's nginx Dockerfile built with `tsrun build` (RUN apt-get
#     reaches Debian's archive from the default bridge),
#  4. `tsrun run -d -p 8080:80 static_web nginx -g 'daemon off;'` and curl.
# Everything lives in a throwaway store and config; needs root and `npm run build`.
#   scripts/seed-scenario.sh [HOST_PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8080}
say() { echo "seed: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "run as root"; exit 2; }
for p in mmdebstrap docker-registry curl; do
  command -v "$p" >/dev/null || { say "missing $p (bash vm/provision.sh installs it)"; exit 2; }
done

cache=${XDG_CACHE_HOME:-$HOME/.cache}/tsrun-seed
rootfs=$cache/debian-bookworm.tar
mkdir -p "$cache"
if [ ! -f "$rootfs" ]; then
  say "building a Debian bookworm rootfs with mmdebstrap (minutes, once)"
  mmdebstrap --variant=minbase --include=ca-certificates bookworm "$cache/debian-bookworm.part.tar"
  mv "$cache/debian-bookworm.part.tar" "$rootfs"
fi

work=$(mktemp -d /tmp/tsrun-seed.XXXXXX)
export TSRUN_ROOT=$work/store TSRUN_CONFIG=$work/config.json
tsrun() { node dist/tsrun.cjs "$@"; }
registry_pid=
cleanup() {
  tsrun rm -f static_web >/dev/null 2>&1 || true
  [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

reg_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
cat > "$work/registry.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$reg_port, secret: seed}
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$reg_port/v2/" >/dev/null && break; sleep 0.1; done
cat > "$TSRUN_CONFIG" <<EOF
{"registry-mirrors": ["http://127.0.0.1:$reg_port"], "insecure-registries": ["127.0.0.1:$reg_port"]}
EOF

say "publishing the rootfs as ubuntu:16.04 on the mirror 127.0.0.1:$reg_port"
tsrun import "$rootfs" "127.0.0.1:$reg_port/library/ubuntu:16.04" >/dev/null
tsrun push -q "127.0.0.1:$reg_port/library/ubuntu:16.04" >/dev/null
tsrun rmi "127.0.0.1:$reg_port/library/ubuntu:16.04" >/dev/null

mkdir "$work/static_web"
cat > "$work/static_web/Dockerfile" <<'DOCKERFILE'
FROM ubuntu:16.04
LABEL maintainer="you@example.com"
RUN apt-get update && apt-get install -y nginx
RUN echo 'Hi, I am in your container' > /var/www/html/index.html
EXPOSE 80
DOCKERFILE
say "tsrun build -t static_web (apt-get from Debian's archive)"
tsrun build -t static_web "$work/static_web"
tsrun build -t static_web "$work/static_web" | grep -c 'Using cache' | sed 's/^/seed: steps from the cache on the second build: /' >&2
tsrun history static_web

tsrun run -d -p "$port:80" --name static_web static_web nginx -g 'daemon off;' >/dev/null
tsrun port static_web
body=
for _ in $(seq 50); do body=$(curl -fs "http://127.0.0.1:$port/" || true); [ -n "$body" ] && break; sleep 0.2; done
echo "curl 127.0.0.1:$port -> $body"
tsrun rm -f static_web >/dev/null
[ "$body" = 'Hi, I am in your container' ] || { say "FAILED: unexpected answer"; exit 1; }
if iptables-save 2>/dev/null | grep -q "tsrun:ctr:"; then say "FAILED: container rules left behind"; exit 1; fi
say "OK"
