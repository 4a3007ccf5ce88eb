import { constants } from 'node:os';

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** ENOENT for 2, and so on. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}
