/** Registry error responses ({"errors":[{code,message,detail}]}) as TsrunErrors with Docker's wording. */
import { TsrunError, type ErrorCode } from '../core/errors.js';
import { readBody, type HttpResponse } from './transport.js';

/** A failed registry call; `status` lets retry logic tell transient failures apart. */
export class RegistryError extends TsrunError {
  constructor(code: ErrorCode, message: string, readonly status: number, readonly registryCodes: string[] = [], cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
    this.name = 'RegistryError';
  }
}

interface ErrorBody {
  errors?: Array<{ code?: string; message?: string; detail?: unknown }>;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 400 || status === 405 || status === 413) return 'INVALID_ARGUMENT';
  return 'UNAVAILABLE';
}

/** `unauthorized: authentication required`, or the HTTP status text when the body says nothing. */
export async function responseError(res: HttpResponse, context?: string): Promise<RegistryError> {
  let body: ErrorBody = {};
  try {
    const text = res.body.readableEnded ? '' : (await readBody(res, 64 * 1024)).toString('utf8');
    if (text) body = JSON.parse(text) as ErrorBody;
  } catch {
    // not JSON: keep the status line
  }
  const errors = body.errors ?? [];
  const detail = errors.length
    ? errors.map((e) => `${(e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`).join(', ')
    : `unexpected status ${res.status} from ${res.url}`;
  const message = context ? `${context}: ${detail}` : detail;
  return new RegistryError(codeForStatus(res.status), message, res.status, errors.map((e) => e.code ?? ''));
}

/** A network failure talking to a registry, named like Docker's (`Get "https://…/v2/": dial tcp …`). */
export function networkError(method: string, url: string, err: unknown): TsrunError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused'
    : e.code === 'EPROTO' && /wrong version number/.test(e.message) ? 'http: server gave HTTP response to HTTPS client'
    : e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || e.code === 'SELF_SIGNED_CERT_IN_CHAIN' || e.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
      ? `tls: failed to verify certificate: x509: certificate signed by unknown authority (${e.code})`
      : e.message;
  const method1 = method.charAt(0) + method.slice(1).toLowerCase();
  return new TsrunError('UNAVAILABLE', `${method1} "${url}": ${why}`, { cause: err });
}
