/**
 * Build arguments with Docker's scoping (moby builder/dockerfile/buildargs.go):
 * ARGs before the first FROM are "meta" args, visible to FROM lines only; a
 * stage sees an ARG only after declaring it, and a bare `ARG NAME` in a stage
 * takes the meta value. `--build-arg` overrides defaults. The proxy args are
 * allowed without a declaration and stay out of the cache key and history
 * unless the Dockerfile declares them.
 */
import { hostPlatform, type Platform } from '../oci/image.js';

export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

/** BuildKit's automatic platform args: defined in the global scope, declared (ARG NAME) to use in a stage. */
export function platformArgs(build: Platform = hostPlatform(), target: Platform = build): Map<string, string> {
  const fmt = (p: Platform) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  const m = new Map<string, string>();
  for (const [prefix, p] of [['BUILD', build], ['TARGET', target]] as const) {
    m.set(`${prefix}PLATFORM`, fmt(p));
    m.set(`${prefix}OS`, p.os);
    m.set(`${prefix}ARCH`, p.architecture);
    m.set(`${prefix}VARIANT`, p.variant ?? '');
  }
  return m;
}

/** Build-wide argument state: the --build-arg values and the meta (pre-FROM) args. */
export class BuildArgs {
  private readonly meta = new Map<string, string | undefined>();
  private readonly referenced = new Set<string>();

  /** `given`: --build-arg values; undefined means `--build-arg NAME` with NAME unset in the environment. */
  constructor(
    private readonly given: ReadonlyMap<string, string | undefined>,
    private readonly automatic: ReadonlyMap<string, string> = platformArgs(),
  ) {}

  /** `ARG NAME[=default]` before the first FROM; the default is already expanded. */
  declareMeta(key: string, defaultValue: string | undefined): void {
    this.referenced.add(key);
    this.meta.set(key, this.override(key) ?? defaultValue ?? this.automatic.get(key));
  }

  /** What FROM lines expand with: automatic args, then the meta args that have a value. */
  metaEnv(): Map<string, string> {
    const env = new Map(this.automatic);
    for (const [k, v] of this.meta) if (v !== undefined) env.set(k, v);
    return env;
  }

  metaValue(key: string): string | undefined {
    return this.meta.has(key) ? this.meta.get(key) : this.automatic.get(key);
  }

  override(key: string): string | undefined {
    return this.given.get(key);
  }

  givenKeys(): string[] {
    return [...this.given.keys()];
  }

  markReferenced(key: string): void {
    this.referenced.add(key);
  }

  isReferenced(key: string): boolean {
    return this.referenced.has(key);
  }

  /** --build-arg names no ARG declared (Docker warns about them at the end). */
  unconsumed(): string[] {
    return [...this.given.keys()].filter((k) => !this.referenced.has(k) && !PROXY_ARGS.includes(k)).sort();
  }

  newStage(): StageArgs {
    return new StageArgs(this);
  }
}

/** The args one stage has declared so far. */
export class StageArgs {
  private readonly declared = new Map<string, string | undefined>();

  constructor(private readonly build: BuildArgs) {}

  /** `ARG NAME[=default]` in this stage; the default is already expanded. */
  declare(key: string, defaultValue: string | undefined): void {
    this.build.markReferenced(key);
    this.declared.set(key, defaultValue);
  }

  /** A declared arg's value: --build-arg, else the default, else the meta value. */
  value(key: string): string | undefined {
    if (!this.declared.has(key)) return undefined;
    return this.build.override(key) ?? this.declared.get(key) ?? this.build.metaValue(key);
  }

  /**
   * The args a RUN gets in its environment (FilterAllowed): declared ones with a
   * value, plus proxy args given on the command line; never those ENV sets.
   */
  allowed(configEnv: readonly string[]): Map<string, string> {
    const envKeys = new Set(configEnv.map((e) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e)));
    const out = new Map<string, string>();
    const keys = new Set([...this.declared.keys(), ...PROXY_ARGS.filter((k) => this.build.override(k) !== undefined)]);
    for (const key of keys) {
      if (envKeys.has(key)) continue;
      const v = this.declared.has(key) ? this.value(key) : this.build.override(key);
      if (v !== undefined) out.set(key, v);
    }
    return out;
  }

  /** Whether the arg shows in RUN's history and cache key (proxy args only when declared). */
  isRecorded(key: string): boolean {
    return !PROXY_ARGS.includes(key) || this.build.isReferenced(key);
  }

  /** Variables for $VAR expansion: the allowed args overlaid with ENV (ENV wins). */
  expansionEnv(configEnv: readonly string[]): Map<string, string> {
    const env = this.allowed(configEnv);
    for (const e of configEnv) {
      const i = e.indexOf('=');
      if (i >= 0) env.set(e.slice(0, i), e.slice(i + 1));
    }
    return env;
  }

  isArg(key: string, configEnv: readonly string[]): boolean {
    return this.allowed(configEnv).has(key);
  }
}
