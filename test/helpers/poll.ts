/** Polls `check` until it returns a truthy value or `ms` pass; returns the last value. */
export async function poll<T>(check: () => T | Promise<T>, ms = 10_000, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await check();
  while (!value && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, every));
    value = await check();
  }
  return value;
}

/** Resident memory of a process in kB (VmRSS), or 0 when it is gone. */
export function rssKb(pid: number, read: (file: string) => string): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
