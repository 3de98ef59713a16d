import { readFileSync } from 'node:fs';

/**
 * Reads typed settings from an environment map and collects every problem before failing,
 * so an operator sees all wrong variables at once, each named.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface IntOptions {
  default?: number;
  min?: number;
  max?: number;
}

/** Reads the file a `<NAME>_FILE` variable names; injectable for tests. */
export type ReadSecretFile = (path: string) => string;

export class EnvReader {
  private readonly problems: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly readSecretFile: ReadSecretFile = (path) => readFileSync(path, 'utf8'),
  ) {}

  /**
   * The raw value, or undefined when unset or empty. Every variable may instead be given as
   * `<NAME>_FILE`, the path of a file holding the value (Docker secrets, mounted files), so
   * that secrets need not sit in the environment, where `docker inspect` and child processes
   * see them.
   */
  raw(name: string): string | undefined {
    const value = this.env[name];
    const direct = value === undefined || value.trim() === '' ? undefined : value.trim();
    const file = this.env[`${name}_FILE`]?.trim();
    if (!file) return direct;
    if (direct !== undefined) {
      this.fail(`${name} and ${name}_FILE are both set; set one of them`);
      return direct;
    }
    try {
      const content = this.readSecretFile(file).trim();
      return content === '' ? undefined : content;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      this.fail(`${name}_FILE names a file that cannot be read (${file}: ${code})`);
      return undefined;
    }
  }

  string(name: string, fallback?: string): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, options: IntOptions = {}): number {
    const value = this.raw(name);
    if (value === undefined) {
      if (options.default === undefined) this.problems.push(`${name} is required`);
      return options.default ?? 0;
    }
    const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed)) {
      this.problems.push(`${name} must be an integer, got "${value}"`);
      return options.default ?? 0;
    }
    if (options.min !== undefined && parsed < options.min) {
      this.problems.push(`${name} must be at least ${options.min}, got ${parsed}`);
    }
    if (options.max !== undefined && parsed > options.max) {
      this.problems.push(`${name} must be at most ${options.max}, got ${parsed}`);
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got "${value}"`);
    return fallback;
  }

  /** A URL whose scheme is one of `protocols` (e.g. ['postgres:', 'postgresql:']). */
  url(name: string, protocols: readonly string[], fallback?: string): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    return this.checkUrl(name, value, protocols);
  }

  optionalUrl(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : this.checkUrl(name, value, protocols);
  }

  list(name: string, fallback: readonly string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return fallback;
  }

  /** Records a problem found by the caller's own cross-field checks. */
  fail(problem: string): void {
    // A variable read twice must not be reported twice.
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  /** Throws a ConfigError naming every bad variable, if there was any. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }

  private checkUrl(name: string, value: string, protocols: readonly string[]): string {
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) {
        this.problems.push(
          `${name} must be a ${protocols.join(' or ')} URL, got "${url.protocol}"`,
        );
      }
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return value;
  }
}
