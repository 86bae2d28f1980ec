import type { CalendarDate } from '../rules/types';

// PostgreSQL DATE columns arrive as JS Dates at UTC midnight; convert at the boundary only.
export const toDbDate = (d: CalendarDate): Date => new Date(`${d}T00:00:00.000Z`);
export const fromDbDate = (d: Date): CalendarDate => d.toISOString().slice(0, 10);
