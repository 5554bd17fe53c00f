/** A parameter of a Swagger 1.1 operation, as Asterisk's api-docs write it. */
export interface SwaggerParameter {
  name: string;
  description: string;
  paramType: 'path' | 'query' | 'body';
  required: boolean;
  allowMultiple: boolean;
  dataType: string;
  defaultValue?: string | number | boolean;
  allowableValues?: { valueType: 'LIST'; values: string[] };
}

export interface SwaggerOperation {
  httpMethod: 'GET' | 'POST' | 'PUT' | 'DELETE';
  summary: string;
  nickname: string;
  /** The response model; `void` for none, `List[X]` for arrays. ari-client wraps by it. */
  responseClass: string;
  parameters?: SwaggerParameter[];
  errorResponses?: Array<{ code: number; reason: string }>;
  upgrade?: 'websocket';
  websocketProtocol?: 'ari';
}

export interface SwaggerApi {
  path: string;
  description: string;
  operations: SwaggerOperation[];
}

export interface SwaggerProperty {
  type: string;
  description?: string;
  required?: boolean;
  allowableValues?: { valueType: 'LIST'; values: string[] };
}

export interface SwaggerModel {
  id: string;
  description: string;
  properties: Record<string, SwaggerProperty>;
  discriminator?: string;
  subTypes?: string[];
}

/** One resource's API declaration (e.g. `channels.json`). */
export interface ApiDeclaration {
  apiVersion: string;
  swaggerVersion: '1.1' | '1.2';
  basePath: string;
  resourcePath: string;
  apis: SwaggerApi[];
  models: Record<string, SwaggerModel>;
}

/** The resource listing (`resources.json`). */
export interface ResourceListing {
  apiVersion: string;
  swaggerVersion: '1.1';
  basePath: string;
  apis: Array<{ path: string; description: string }>;
}

/** A path parameter: always a required string. */
export function pathParam(name: string, description: string): SwaggerParameter {
  return {
    name,
    description,
    paramType: 'path',
    required: true,
    allowMultiple: false,
    dataType: 'string',
  };
}

/** A query parameter, optional and single unless said otherwise. */
export function queryParam(
  name: string,
  dataType: string,
  description: string,
  options: Partial<
    Pick<SwaggerParameter, 'required' | 'allowMultiple' | 'defaultValue' | 'allowableValues'>
  > = {},
): SwaggerParameter {
  return {
    name,
    description,
    paramType: 'query',
    required: options.required ?? false,
    allowMultiple: options.allowMultiple ?? false,
    dataType,
    ...(options.defaultValue === undefined ? {} : { defaultValue: options.defaultValue }),
    ...(options.allowableValues ? { allowableValues: options.allowableValues } : {}),
  };
}

/** The JSON body holding `variables` (ARI's `containers` type). */
export function variablesBody(description: string): SwaggerParameter {
  return {
    name: 'variables',
    description,
    paramType: 'body',
    required: false,
    allowMultiple: false,
    dataType: 'containers',
  };
}

/** A model property. */
export function prop(type: string, description: string, required = true): SwaggerProperty {
  return { type, description, required };
}
