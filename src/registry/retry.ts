/** Retries of transient failures (network errors, 429, 5xx gateways) with exponential backoff. */
export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry; doubles each time, with jitter. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250 };

const TRANSIENT_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Marks an error as worth retrying (it carries the HTTP status or errno). */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; status?: unknown; transient?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.transient === true) return true;
  if (typeof e.status === 'number' && TRANSIENT_STATUS.has(e.status)) return true;
  if (typeof e.code === 'string' && TRANSIENT_ERRNO.has(e.code)) return true;
  if (e instanceof Error && /socket hang up|aborted/.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isTransient(e.cause);
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const base = policy.baseDelayMs * 2 ** attempt;
  return base / 2 + Math.random() * (base / 2);
}

export async function withRetry<T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.retries || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, backoffDelay(policy, attempt)));
    }
  }
}
