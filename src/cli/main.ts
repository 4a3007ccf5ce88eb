#!/usr/bin/env node
import { CommanderError } from 'commander';
import { TsrunError } from '../core/errors.js';
import { exitQuietlyOnBrokenPipe } from './broken-pipe.js';
import { createContext } from './context.js';
import { processOutput } from './output.js';
import { createProgram } from './program.js';

/** The one place that chooses exit codes: 125 for tsrun's own errors, 126/127 from exec, else the container's. */
function exitCodeFor(err: unknown): number {
  if (err instanceof TsrunError) {
    if (err.exitCode !== undefined) return err.exitCode;
    if (err.code === 'COMMAND_NOT_FOUND') return 127;
    if (err.code === 'NOT_EXECUTABLE') return 126;
  }
  return 125;
}

function describe(err: unknown): string {
  if (err instanceof TsrunError) return err.message + (err.hint ? `\nhint: ${err.hint}` : '');
  const e = err as Error;
  return e?.stack ?? String(err);
}

async function main(): Promise<void> {
  exitQuietlyOnBrokenPipe();
  let exitCode = 0;
  const program = createProgram({
    context: createContext,
    out: processOutput,
    setExitCode: (code) => { exitCode = code; },
  });
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; flag errors are tsrun's own (125)
      process.exit(err.exitCode === 0 ? 0 : 125);
    }
    const message = describe(err);
    if (message) process.stderr.write(`tsrun: ${message}\n`);
    process.exit(exitCodeFor(err));
  }
  // Exit now: a container's pty or stdin may still hold handles. Pipes and files are written synchronously on Linux.
  process.exit(exitCode);
}

void main();
