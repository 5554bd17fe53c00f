/**
 * Expands the dialplan text of one priority the way Asterisk's pbx does before it runs
 * the application: `${NAME}` variables, the functions the shipped dialplan uses
 * (`IF`, `ISNULL`, `LEN`, `CHANNEL(state|name)`) and `$[…]` expressions (comparisons,
 * `+ - * /`, quoted strings). Innermost first, as Asterisk substitutes. Unknown functions
 * and unset variables expand to "" as they do in Asterisk.
 */
export function expandDialplan(text: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.slice(i, i + 2);
    if (open === '${' || open === '$[') {
      const close = matching(text, i + 1);
      const inner = expandDialplan(text.slice(i + 2, close), lookup);
      out += open === '${' ? substitute(inner, lookup) : evaluate(inner);
      i = close + 1;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

/** Index of the bracket closing the one at `at`, counting nested brackets of any kind. */
function matching(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i += 1) {
    const char = text[i];
    if (char === '{' || char === '[') depth += 1;
    if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new SyntaxError(`unbalanced brackets in dialplan text: ${text}`);
}

function substitute(inner: string, lookup: (name: string) => string | undefined): string {
  const call = /^([A-Z_]+)\((.*)\)$/s.exec(inner);
  if (!call) return lookup(inner) ?? '';
  const [, name, args = ''] = call;
  switch (name) {
    case 'ISNULL':
      return args === '' ? '1' : '0';
    case 'LEN':
      return String(args.length);
    case 'IF': {
      // IF(condition?true:false): the condition is true unless empty or 0.
      const question = args.indexOf('?');
      const condition = question < 0 ? args : args.slice(0, question);
      const branches = question < 0 ? '' : args.slice(question + 1);
      const colon = branches.indexOf(':');
      const [yes, no] =
        colon < 0 ? [branches, ''] : [branches.slice(0, colon), branches.slice(colon + 1)];
      return isTrue(condition) ? yes : no;
    }
    case 'CHANNEL':
      return lookup(`CHANNEL(${args})`) ?? '';
    default:
      return lookup(`${name}(${args})`) ?? '';
  }
}

/** Whether a dialplan condition holds: anything but "", "0" (after trimming). */
export function isTrue(condition: string): boolean {
  const value = condition.trim();
  return value !== '' && value !== '0';
}

const COMPARISONS = ['!=', '>=', '<=', '=', '>', '<'] as const;

/** A `$[…]` expression: one comparison of two sums of products, or a single sum. */
function evaluate(expression: string): string {
  const tokens = tokenize(expression);
  const at = tokens.findIndex((token) => (COMPARISONS as readonly string[]).includes(token));
  if (at < 0) return String(arithmetic(tokens));
  const left = arithmetic(tokens.slice(0, at));
  const right = arithmetic(tokens.slice(at + 1));
  return compare(tokens[at] as (typeof COMPARISONS)[number], left, right) ? '1' : '0';
}

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("[^"]*"|!=|>=|<=|[=<>+\-*/]|[^\s"=<>!+\-*/]+)/g;
  for (const match of expression.matchAll(pattern)) tokens.push(match[1] ?? '');
  return tokens;
}

/** Left-to-right sum of products; a single non-numeric operand stays a string. */
function arithmetic(tokens: readonly string[]): number | string {
  const values = tokens.filter((_, i) => i % 2 === 0).map(unquote);
  if (values.length === 1) return numberOr(values[0] ?? '');
  let sum = 0;
  let term = Number(values[0]);
  for (let i = 1; i < tokens.length; i += 2) {
    const operator = tokens[i];
    const operand = Number(unquote(tokens[i + 1] ?? ''));
    if (operator === '*') term *= operand;
    else if (operator === '/') term = Math.trunc(term / operand);
    else {
      sum += term;
      term = operator === '-' ? -operand : operand;
    }
  }
  return sum + term;
}

function compare(operator: (typeof COMPARISONS)[number], a: number | string, b: number | string) {
  const numeric = typeof a === 'number' && typeof b === 'number';
  const [x, y] = numeric ? [a, b] : [String(a), String(b)];
  switch (operator) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '>=':
      return x >= y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '<':
      return x < y;
  }
}

function unquote(token: string): string {
  return token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token;
}

function numberOr(value: string): number | string {
  return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}
