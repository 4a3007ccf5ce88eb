/**
 * `tsrun logs … | head -1`: once the reader is gone, a write fails with EPIPE
 * (Node ignores SIGPIPE). Docker's CLI dies of SIGPIPE without a word; we exit
 * as quietly, with the status a shell shows for that (128 + SIGPIPE), instead
 * of an unhandled 'error' event and its stack trace.
 */
const SIGPIPE_STATUS = 141;

export function exitQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(SIGPIPE_STATUS);
      throw err;
    });
  }
}
