/**
 * Runs `fn` over items with at most `limit` at a time. After the first
 * failure no new item starts; the running ones finish (and clean up) before
 * the failure is thrown.
 */
export async function runLimited<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>, onQueued?: (item: T, index: number) => void): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  items.forEach((item, i) => {
    if (i >= limit) onQueued?.(item, i);
  });
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
