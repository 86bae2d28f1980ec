import type { CeuHundredths } from './types';

const CEU_PATTERN = /^(\d+)(?:\.(\d{1,2}))?$/;

function parseCeuText(text: string, shown: string): CeuHundredths {
  if (text.startsWith('-')) throw new RangeError(`Invalid CEUs ${shown}: CEUs cannot be negative.`);
  const match = CEU_PATTERN.exec(text);
  if (!match) {
    const tooPrecise = /^\d+\.\d{3,}$/.test(text);
    throw new RangeError(
      tooPrecise
        ? `Invalid CEUs ${shown}: at most two decimals are allowed (e.g. 0.10).`
        : `Invalid CEUs ${shown}: expected a non-negative decimal number with at most two decimals, e.g. 2, 2.0 or 0.10.`,
    );
  }
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(hundredths))
    throw new RangeError(`Invalid CEUs ${shown}: the value is too large.`);
  return hundredths;
}

/**
 * CEUs as hundredths, from a decimal string ("2", "2.0", "0.10") or a number that is exactly
 * a two-decimal value (0.1). Parsed digit by digit, never through binary floats.
 */
export function parseCeu(s: string | number): CeuHundredths {
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) throw new RangeError(`Invalid CEUs ${s}: expected a finite number.`);
    if (s < 0) throw new RangeError(`Invalid CEUs ${s}: CEUs cannot be negative.`);
    const fixed = s.toFixed(2);
    // A number such as 0.1 + 0.2 is not exactly 0.30; refuse it rather than silently round.
    if (Number(fixed) !== s)
      throw new RangeError(`Invalid CEUs ${s}: at most two decimals are allowed (e.g. 0.10).`);
    return parseCeuText(fixed, String(s));
  }
  if (typeof s !== 'string')
    throw new RangeError(`Invalid CEUs ${String(s)}: expected a decimal string or number.`);
  return parseCeuText(s.trim(), JSON.stringify(s));
}

/** `10` → `0.10`, `200` → `2.00`. */
export function formatCeu(h: CeuHundredths): string {
  if (!Number.isSafeInteger(h)) throw new RangeError(`Invalid CEU amount ${h}: expected whole hundredths.`);
  const sign = h < 0 ? '-' : '';
  const abs = Math.abs(h);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
