import type { z } from 'zod';
import { AppError } from './errors';

/** Parses `input` or throws a 400 naming every field to fix; `root` names a non-body input. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, root = '(body)'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError(
    'validation_failed',
    'The request is invalid: fix the fields listed in details.',
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : root,
      code: issue.code,
      message: issue.message,
    })),
  );
}
