/**
 * Instruction flags (`COPY --from=x`), buildkit instructions/bflag.go:
 * declare the flags an instruction accepts, then parse what was written.
 */
import { DockerfileError } from './errors.js';
import { suggestMessage } from './suggest.js';

type FlagType = 'bool' | 'string' | 'strings';

export interface Flag {
  readonly name: string;
  readonly type: FlagType;
  /** Bool flags hold 'true' / 'false'. */
  value: string;
  /** Every value of a repeatable (strings) flag. */
  values: string[];
}

export class BFlags {
  private readonly flags = new Map<string, Flag>();
  private readonly used = new Map<string, Flag>();

  constructor(readonly args: readonly string[]) {}

  private add(name: string, type: FlagType, value: string): Flag {
    if (this.flags.has(name)) throw new Error(`Duplicate flag defined: ${name}`);
    const flag: Flag = { name, type, value, values: [] };
    this.flags.set(name, flag);
    return flag;
  }

  addBool(name: string, def: boolean): Flag {
    return this.add(name, 'bool', def ? 'true' : 'false');
  }

  addString(name: string, def: string): Flag {
    return this.add(name, 'string', def);
  }

  addStrings(name: string): Flag {
    return this.add(name, 'strings', '');
  }

  isUsed(flag: Flag): boolean {
    return this.used.has(flag.name);
  }

  /** Names of the flags that were given. */
  usedNames(): string[] {
    return [...this.used.keys()];
  }

  parse(): void {
    for (const a of this.args) {
      // `--` ends the flags (POSIX utility syntax guidelines)
      if (a === '--') return;
      if (!a.startsWith('--')) throw new DockerfileError(`arg should start with -- : ${a}`);
      const eq = a.indexOf('=');
      const flagName = eq < 0 ? a : a.slice(0, eq);
      const value = eq < 0 ? '' : a.slice(eq + 1);
      const hasValue = eq >= 0;
      const name = flagName.slice(2);
      const flag = this.flags.get(name);
      if (!flag) {
        throw new DockerfileError(suggestMessage(`unknown flag: ${flagName}`, name, [...this.flags.keys()], true));
      }
      if (this.used.has(name) && flag.type !== 'strings') {
        throw new DockerfileError(`duplicate flag specified: ${flagName}`);
      }
      this.used.set(name, flag);
      switch (flag.type) {
        case 'bool': {
          if (hasValue && value === '') throw new DockerfileError(`missing a value on flag: ${flagName}`);
          const v = value.toLowerCase();
          if (v === 'true' || v === '') flag.value = 'true';
          else if (v === 'false') flag.value = 'false';
          else throw new DockerfileError(`expecting boolean value for flag ${flagName}, not: ${value}`);
          break;
        }
        case 'string':
          if (!hasValue) throw new DockerfileError(`missing a value on flag: ${flagName}`);
          flag.value = value;
          break;
        case 'strings':
          if (!hasValue) throw new DockerfileError(`missing a value on flag: ${flagName}`);
          flag.values.push(value);
          break;
      }
    }
  }
}
