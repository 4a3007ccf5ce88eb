import { runDoctor, type Check } from '../../container/doctor/doctor.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';

function line(c: Check, width: number): string {
  const head = `${c.ok ? 'ok     ' : 'problem'}  ${c.name.padEnd(width)}  ${c.detail}\n`;
  return c.ok ? head : head + `${' '.repeat(width + 11)}fix: ${c.fix}\n`;
}

/** `tsrun doctor`: one line per check; resolves to 0 when all are ok, else 1. */
export async function doctor(ctx: Context, out: Output): Promise<number> {
  const checks = await runDoctor(ctx);
  const width = Math.max(...checks.map((c) => c.name.length));
  out.out(checks.map((c) => line(c, width)).join(''));
  return checks.every((c) => c.ok) ? 0 : 1;
}
