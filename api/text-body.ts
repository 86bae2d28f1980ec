import express, { type RequestHandler } from 'express';
import { AppError } from './errors';

/** A route whose body is a text file (CSV, NDJSON) rather than JSON, with its own size limit. */
export interface TextBody {
  readonly mediaTypes: readonly string[];
  /** bytes' syntax, e.g. `10mb`; the JSON routes keep their 64 KB. */
  readonly limit: string;
}

/** 415 unless the body is one of the media types; then reads it as a string (413 above the limit). */
export function textBody({ mediaTypes, limit }: TextBody): RequestHandler[] {
  const read = express.text({ type: [...mediaTypes], limit, defaultCharset: 'utf-8' });
  const checkType: RequestHandler = (req, _res, next) => {
    if (req.is([...mediaTypes]) === false) {
      throw new AppError(
        'unsupported_media_type',
        `Send the body with Content-Type: ${mediaTypes.join(' or ')}.`,
      );
    }
    next();
  };
  const readText: RequestHandler = (req, res, next) => {
    read(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        next(new AppError('payload_too_large', `The request body is too large (limit ${limit}).`));
      } else next(err);
    });
  };
  return [checkType, readText];
}
