import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors';

/** The body of every error answer (documented in the OpenAPI document). */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.array(
      z.strictObject({
        field: z.string().optional(),
        code: z.string().optional(),
        message: z.string(),
      }),
    ),
  }),
});
