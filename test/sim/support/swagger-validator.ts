import { loadRealApiDoc, type RealModel } from './real-ari.js';

/** The real models events refer to: events, channels, playbacks. */
export function loadRealEventModels(): Record<string, RealModel> {
  return {
    ...loadRealApiDoc('channels').models,
    ...loadRealApiDoc('playbacks').models,
    ...loadRealApiDoc('events').models,
  };
}

const ASTERISK_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/;

/**
 * Validates one websocket message against Swagger 1.1 models: the model named by its
 * `type`, with the fields its bases (`Event`, `Message`) add. Required fields must be
 * there, every field must be declared (free-form only inside `object` properties), and
 * every value must have its declared type, nested models included. Returns the problems.
 */
export function validateMessage(
  models: Record<string, RealModel>,
  message: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const type = typeof message.type === 'string' ? message.type : '';
  if (!models[type]) return [`unknown message type "${type}"`];
  validateModel(models, type, message, type, problems);
  return problems;
}

function propertiesOf(models: Record<string, RealModel>, name: string): RealModel['properties'] {
  const own = models[name]?.properties ?? {};
  // Inherit from every model that lists this one among its subTypes (Event, then Message).
  const base = Object.values(models).find((model) => model.subTypes?.includes(name));
  return base ? { ...propertiesOf(models, base.id), ...own } : own;
}

function validateModel(
  models: Record<string, RealModel>,
  name: string,
  value: unknown,
  where: string,
  problems: string[],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where}: expected a ${name} object`);
    return;
  }
  const record = value as Record<string, unknown>;
  const properties = propertiesOf(models, name);
  for (const [field, property] of Object.entries(properties)) {
    if (property.required && record[field] === undefined)
      problems.push(`${where}.${field}: required, missing`);
  }
  for (const [field, fieldValue] of Object.entries(record)) {
    const property = properties[field];
    if (!property) {
      problems.push(`${where}.${field}: not in the ${name} model`);
      continue;
    }
    validateType(models, property, fieldValue, `${where}.${field}`, problems);
  }
}

function validateType(
  models: Record<string, RealModel>,
  property: { type: string; allowableValues?: { values: string[] } },
  value: unknown,
  where: string,
  problems: string[],
): void {
  const { type } = property;
  const list = /^List\[(.+)\]$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) problems.push(`${where}: expected ${type}`);
    else {
      for (const [i, item] of value.entries()) {
        validateType(models, { type: list[1] ?? '' }, item, `${where}[${i}]`, problems);
      }
    }
    return;
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') problems.push(`${where}: expected a string`);
      else if (property.allowableValues && !property.allowableValues.values.includes(value)) {
        problems.push(
          `${where}: "${value}" is not one of ${property.allowableValues.values.join(', ')}`,
        );
      }
      return;
    case 'int':
    case 'long':
      if (!Number.isInteger(value)) problems.push(`${where}: expected an integer`);
      return;
    case 'double':
      if (typeof value !== 'number') problems.push(`${where}: expected a number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${where}: expected a boolean`);
      return;
    case 'Date':
      if (typeof value !== 'string' || !ASTERISK_TIME.test(value))
        problems.push(`${where}: expected an Asterisk timestamp`);
      return;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        problems.push(`${where}: expected an object`);
      return;
    default:
      if (!models[type]) problems.push(`${where}: unknown type ${type}`);
      else validateModel(models, type, value, where, problems);
  }
}
