// Preloaded with `node --import` in a child process: records each use of what makes ICU
// load its locale data (~8 MB of peak RSS the first time): an Intl formatter built, a
// number or date written or strings compared for a locale. When the process exits, the
// names of those used (in order, once each) go as JSON to the file named by
// DIALSTATE_INTL_FORMATS_FILE, so that a test can tell a command needs none of them.
import { writeFileSync } from 'node:fs';

const file = process.env.DIALSTATE_INTL_FORMATS_FILE;
if (file) {
  const used = new Set();
  for (const name of [
    'DateTimeFormat',
    'NumberFormat',
    'Collator',
    'PluralRules',
    'RelativeTimeFormat',
    'ListFormat',
    'DisplayNames',
    'Segmenter',
  ]) {
    const record = () => used.add(`Intl.${name}`);
    // Built with `new` or called as a function (both build a formatter).
    Intl[name] = new Proxy(Intl[name], {
      construct(target, args, newTarget) {
        record();
        return Reflect.construct(target, args, newTarget);
      },
      apply(target, self, args) {
        record();
        return Reflect.apply(target, self, args);
      },
    });
  }
  const methods = [
    [Number.prototype, 'Number', 'toLocaleString'],
    [BigInt.prototype, 'BigInt', 'toLocaleString'],
    [Date.prototype, 'Date', 'toLocaleString'],
    [Date.prototype, 'Date', 'toLocaleDateString'],
    [Date.prototype, 'Date', 'toLocaleTimeString'],
    [String.prototype, 'String', 'localeCompare'],
  ];
  for (const [prototype, owner, method] of methods) {
    const original = prototype[method];
    prototype[method] = function (...args) {
      used.add(`${owner}.${method}`);
      return original.apply(this, args);
    };
  }
  process.on('exit', () => writeFileSync(file, JSON.stringify([...used])));
}
