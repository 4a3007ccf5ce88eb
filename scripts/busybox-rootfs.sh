#!/bin/sh
# Writes a tiny root filesystem tar built from the host's busybox-static
# (Debian package busybox-static) to the file given, or to stdout.
# Usage: scripts/busybox-rootfs.sh [OUT.tar]   then: tsrun import OUT.tar busybox
set -eu
BUSYBOX=${BUSYBOX:-/bin/busybox}
if ! "$BUSYBOX" --list >/dev/null 2>&1 || ! file_is_static=$(ldd "$BUSYBOX" 2>&1 | grep -c "not a dynamic"); then
  echo "busybox-rootfs: need a static busybox at $BUSYBOX (apt-get install busybox-static)" >&2
  exit 1
fi
[ "$file_is_static" -ge 1 ] || { echo "busybox-rootfs: $BUSYBOX is not static" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin" "$dir/etc" "$dir/root" "$dir/tmp" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/var/www" "$dir/home/nobody"
chmod 1777 "$dir/tmp"
chmod 700 "$dir/root"
cp "$BUSYBOX" "$dir/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
done
cat > "$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/home/nobody:/bin/false
P
cat > "$dir/etc/group" <<'G'
root:x:0:
daemon:x:1:
tty:x:5:
staff:x:50:nobody
nogroup:x:65534:
G
echo "tsrun busybox" > "$dir/etc/issue"
if [ $# -ge 1 ]; then
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "$1" .
else
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf - .
fi
