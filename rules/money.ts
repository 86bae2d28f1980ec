import type { Cents } from './types';

function requireCents(c: Cents): Cents {
  if (!Number.isSafeInteger(c))
    throw new RangeError(`Invalid amount ${c}: money is a whole number of cents.`);
  return c;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `12900` → `$129.00`; `-500` → `-$5.00`. */
export function formatCents(c: Cents): string {
  const sign = requireCents(c) < 0 ? '-' : '';
  const abs = Math.abs(c);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}$${groupThousands(String(Math.floor(abs / 100)))}.${cents}`;
}

/** Like `formatCents` but drops `.00` on whole dollars (`$99`), for short summaries. */
export function formatDollars(c: Cents): string {
  const full = formatCents(c);
  return full.endsWith('.00') ? full.slice(0, -3) : full;
}
