import { constants } from 'node:os';
import util from 'node:util';

/** "Operation not permitted" for EPERM, as strerror(3) says it (libuv has the same table). */
export function strerror(errno: number): string {
  const [, message] = util.getSystemErrorMap().get(-errno) ?? [];
  if (message) return message.charAt(0).toUpperCase() + message.slice(1);
  const name = Object.entries(constants.errno).find(([, n]) => n === errno)?.[0];
  return name ?? `errno ${errno}`;
}
