/** IPv4 addresses and CIDR blocks as numbers (pure). */
import { TsrunError } from '../core/errors.js';

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid IPv4 address: ${text}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function isIPv4(text: string): boolean {
  try {
    parseIPv4(text);
    return true;
  } catch {
    return false;
  }
}

/** "10.201.0.0/16"; host bits must be zero, as Docker requires for --subnet. */
export function parseCidr(text: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m || Number(m[2]) > 32) throw new TsrunError('INVALID_ARGUMENT', `invalid CIDR address: ${text}`);
  const prefix = Number(m[2]);
  const addr = parseIPv4(m[1]);
  const base = networkOf(addr, prefix);
  if (base !== addr) throw new TsrunError('INVALID_ARGUMENT', `invalid subnet ${text}: it should be ${formatIPv4(base)}/${prefix}`);
  return { base, prefix };
}

export function networkOf(addr: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return addr - (addr % size);
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(c: Cidr, addr: number): boolean {
  return addr >= c.base && addr < c.base + cidrSize(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

/** The usable host addresses: not the network address, not the broadcast address. */
export function isHostAddress(c: Cidr, addr: number): boolean {
  return contains(c, addr) && addr !== c.base && addr !== c.base + cidrSize(c) - 1;
}

/** Docker's locally administered MAC from the address: 02:42:a.b.c.d. */
export function macFor(addr: number): string {
  const hex = [24, 16, 8, 0].map((s) => (Math.floor(addr / 2 ** s) % 256).toString(16).padStart(2, '0'));
  return ['02', '42', ...hex].join(':');
}
