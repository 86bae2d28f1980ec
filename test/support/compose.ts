import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// The compose file as Docker Compose sees it, without a Docker engine: `.env`-style files parsed,
// variables interpolated by Compose's rules, YAML merge keys (`<<: *anchor`) applied.

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ComposeService {
  image?: string;
  build?: string;
  restart?: string;
  environment?: Record<string, string>;
  ports?: string[];
  command?: string[];
  entrypoint?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** KEY=VALUE lines of an env file (comments and blank lines skipped), as Compose reads `.env`. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.trim();
  }
  return vars;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a compose text refers to. */
export function referencedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(REFERENCE)].map((m) => m[1] ?? m[4]).filter((v) => v !== undefined))];
}

/**
 * Compose's interpolation: `${VAR}`, `$VAR`, `${VAR:-default}` (unset or empty), `${VAR-default}`
 * (unset), `${VAR:?message}` / `${VAR?message}` (refuse to start), `${VAR:+other}`, `$$` for `$`.
 */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    REFERENCE,
    (
      whole: string,
      braced: string | undefined,
      operator: string | undefined,
      given: string | undefined,
      bare: string | undefined,
    ) => {
      if (whole === '$$') return '$';
      const argument = given ?? '';
      const name = (braced ?? bare)!;
      const value = vars[name];
      const empty = value === undefined || value === '';
      switch (operator) {
        case ':-':
          return empty ? argument : value;
        case '-':
          return value ?? argument;
        case ':?':
          if (empty) throw new Error(`${name}: ${argument}`);
          return value;
        case '?':
          if (value === undefined) throw new Error(`${name}: ${argument}`);
          return value;
        case ':+':
          return empty ? '' : argument;
        default:
          return value ?? '';
      }
    },
  );
}

export const composeText = (): string => readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');

/** Compose interpolates the parsed values (so `KEY: ${X:-}` is an empty string, not YAML's null). */
function interpolateValues(value: unknown, vars: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateValues(v, vars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValues(v, vars)]));
  }
  return value;
}

/** docker-compose.yml after interpolation with `vars` (an operator's .env). */
export function loadCompose(vars: Record<string, string | undefined>): ComposeFile {
  return interpolateValues(parse(composeText(), { merge: true }), vars) as ComposeFile;
}
