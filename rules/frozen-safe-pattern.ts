/**
 * A regular expression for a zod check that still works once the schema is deep-frozen.
 *
 * The worker evaluates the message schemas once and shares them with every workflow
 * (worker/bundle-options.ts, preloadModules); Temporal deep-freezes what a preloaded module exports,
 * the patterns inside the schemas included. zod resets `pattern.lastIndex = 0` before each test,
 * which a frozen RegExp refuses (TypeError). This stands in for the RegExp: the same `test`,
 * `source`, `flags` and `toString` (so messages, issues and JSON Schema are unchanged), and a
 * `lastIndex` that accepts the reset. Only non-global, non-sticky expressions: their `test` neither
 * reads nor writes `lastIndex`, so ignoring it changes nothing. The RegExp itself is unreachable
 * from the schema, so it is never frozen.
 */
export function frozenSafePattern(re: RegExp): RegExp {
  if (re.global || re.sticky) throw new Error(`A shared pattern must be neither global nor sticky: ${re}`);
  const pattern = {
    source: re.source,
    flags: re.flags,
    test: (s: string): boolean => re.test(s),
    exec: (s: string): RegExpExecArray | null => re.exec(s),
    toString: (): string => re.toString(),
    get lastIndex(): number {
      return 0;
    },
    set lastIndex(_ignored: number) {
      // Always 0 for a non-global, non-sticky expression.
    },
  };
  return pattern as unknown as RegExp;
}
