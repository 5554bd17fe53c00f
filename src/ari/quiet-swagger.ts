import { createRequire } from 'node:module';

/**
 * The part of swagger-client 2.0 (the copy ari-client loads) that we touch: its 1.1 and
 * 1.2 spec builders.
 */
interface SwaggerClientModule {
  SwaggerApi: {
    prototype: {
      buildFromSpec(this: unknown, spec: Record<string, unknown>): unknown;
      buildFrom1_1Spec(this: unknown, spec: Record<string, unknown>): unknown;
    };
  };
}

let quieted = false;

/**
 * Stops swagger-client from printing "This API is using a deprecated version of Swagger!"
 * on stdout at every ARI connection (docs/decisions/016-quiet-swagger-deprecation.md).
 *
 * Asterisk serves Swagger 1.1 api-docs; swagger-client 2.0 sends them to
 * `buildFrom1_1Spec`, which prints that line through a `log` function of its own (a
 * global it creates, which writes with `console.log`) and then does exactly what its 1.2
 * builder does, less keeping `authorizations` (which Asterisk's documents do not have).
 * So 1.1 documents are handed to the 1.2 builder without `authorizations`: same API
 * object, no line. `console` itself is left alone. Idempotent.
 */
export function quietSwaggerDeprecationNotice(): void {
  if (quieted) return;
  quieted = true;
  // The very copy ari-client requires, wherever the package manager put it.
  const fromAriClient = createRequire(createRequire(import.meta.url).resolve('ari-client'));
  const swagger = fromAriClient('swagger-client') as SwaggerClientModule;
  const builder = swagger.SwaggerApi.prototype;
  builder.buildFrom1_1Spec = function buildFrom1_1SpecQuietly(spec) {
    const { authorizations: _ignoredBy11, ...rest } = spec;
    return builder.buildFromSpec.call(this, rest);
  };
}
