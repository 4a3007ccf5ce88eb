import type { Command } from 'commander';
import type { Context } from './context.js';
import type { ProgramHooks } from './program.js';

/** `tsrun volume create|ls|inspect|rm|prune`. */
export function registerVolumeCommands(program: Command, hooks: ProgramHooks, ctx: () => Promise<Context>): void {
  void program; void hooks; void ctx;
}
