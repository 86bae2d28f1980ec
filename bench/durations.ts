/** How long a bench credential sleeps until its expiry: two years of workflow time (730 days). */
export const TWO_YEARS_MS = 730 * 24 * 3600 * 1000;
