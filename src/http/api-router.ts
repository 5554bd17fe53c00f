import { OpenAPIHono } from '@hono/zod-openapi';
import { issuesFromZod, validationError } from './api-error.js';

/**
 * A router for one resource. Requests that fail their route's schemas are answered
 * with the API's 400 body, listing every problem and where it is (`body.window.start`).
 */
export function createRouter() {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw validationError(issuesFromZod(result.target, result.error.issues));
    },
  });
}
