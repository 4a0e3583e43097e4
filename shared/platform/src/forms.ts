import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';

// The largest form body read, in bytes: the home page's form needs far less.
export const FORM_LIMIT_BYTES = 2048;

// Reads an HTML form's body into ctx.request.body, for the routes that take one.
export function parseForm({ limit = FORM_LIMIT_BYTES }: { limit?: number } = {}): Middleware {
  const parse = bodyParser({
    enableTypes: ['form'], // HTML forms only: application/x-www-form-urlencoded
    formLimit: limit, // stops reading past the limit (at once, when Content-Length says so): 413
    onError(error, ctx) {
      // A body that cannot be read is the client's mistake: 413 when it is too large,
      // 415 when its Content-Encoding is unknown, else 400.
      const { status } = error as { status?: number };
      if (status === 413) ctx.throw(413, `The form was larger than ${limit} bytes.`);
      ctx.throw(status === 415 ? 415 : 400, 'The form could not be read.');
    },
  });
  return function parseForm(ctx, next) {
    if (!ctx.is('urlencoded'))
      ctx.throw(415, 'Send the form as application/x-www-form-urlencoded.');
    return parse(ctx, next);
  };
}
