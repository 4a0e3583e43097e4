import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';

// Reads an HTML form's body into ctx.request.body, for the routes that take one.
export function parseForm({ limit = '2kb' }: { limit?: string } = {}): Middleware {
  const parse = bodyParser({
    enableTypes: ['form'], // HTML forms only: application/x-www-form-urlencoded
    formLimit: limit, // a larger body is refused with 413 before it is read into memory
    onError(error, ctx) {
      // A body that cannot be read is the client's mistake (400), unless the parser
      // already said which (413 too large, 415 unknown charset).
      const status = (error as { status?: number }).status;
      if (status === 413) ctx.throw(413, `The form was larger than ${limit}.`);
      ctx.throw(status && status < 500 ? status : 400, 'The form could not be read.');
    },
  });
  return function parseForm(ctx, next) {
    if (!ctx.is('urlencoded')) ctx.throw(415, 'Send the form as application/x-www-form-urlencoded.');
    return parse(ctx, next);
  };
}
