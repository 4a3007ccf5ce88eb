/**
 * The device allow-list every container gets (runc's AllowedDevices, which
 * Docker relies on): deny everything, then allow mknod of any node (opening
 * it is what counts), the standard nodes, ptys and tun.
 */
import type { LinuxDeviceCgroup } from '../../oci/runtime-spec.js';

const allow = (type: 'c' | 'b', major: number | undefined, minor: number | undefined, access = 'rwm'): LinuxDeviceCgroup =>
  ({ allow: true, type, ...(major !== undefined ? { major } : {}), ...(minor !== undefined ? { minor } : {}), access });

export const DEFAULT_DEVICE_RULES: LinuxDeviceCgroup[] = [
  { allow: false, access: 'rwm' },
  allow('c', undefined, undefined, 'm'),
  allow('b', undefined, undefined, 'm'),
  allow('c', 1, 3), // null
  allow('c', 1, 8), // random
  allow('c', 1, 7), // full
  allow('c', 5, 0), // tty
  allow('c', 1, 5), // zero
  allow('c', 1, 9), // urandom
  allow('c', 136, undefined), // pts (and /dev/console, a pty)
  allow('c', 5, 2), // ptmx
  allow('c', 10, 200), // tun
];

/** --privileged: every device. */
export const ALLOW_ALL_DEVICES: LinuxDeviceCgroup[] = [{ allow: true, access: 'rwm' }];

/** "c 1:3 rwm" for devices.allow / devices.deny (v1). */
export function v1DeviceLine(rule: LinuxDeviceCgroup): string {
  const type = rule.type ?? 'a';
  const num = (n: number | undefined) => (n === undefined || n < 0 ? '*' : String(n));
  return `${type} ${num(rule.major)}:${num(rule.minor)} ${rule.access || 'rwm'}`;
}
