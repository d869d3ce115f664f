// Console breadcrumbs (Sentry's Console integration): each console method is wrapped; the
// original runs as it would, and its text becomes a breadcrumb with the hint { input, level }.
import { addBreadcrumb as crumb } from '../browser/scope.js';
import { safeText } from '../shared.js';

/** Wraps console's methods (only `levels`, when it is an array). */
export function instrumentConsole(levels) {
  for (const level of ['debug', 'info', 'warn', 'error', 'log']) {
    const orig = console[level];
    if (typeof orig !== 'function' || (Array.isArray(levels) && !levels.includes(level))) continue;
    console[level] = function (...args) {
      try {
        const message = args.map(consoleText).join(' ');
        if (!message.startsWith('tattle:')) {
          const lvl = level === 'warn' ? 'warning' : level === 'log' ? 'info' : level;
          crumb({ category: 'console', level: lvl, message }, { input: args, level });
        }
      } catch { /* never break the host */ }
      return orig.apply(this, args);
    };
  }
}

// A console argument as breadcrumb text: strings as they are, objects as JSON where they can
// be, anything else (a BigInt, a cycle, a null prototype, a Symbol) as whatever text it has;
// at most 1,000 characters each.
export function consoleText(a) {
  if (typeof a === 'string') return safeText(a);
  if (a && typeof a === 'object') {
    try {
      const json = JSON.stringify(a);
      if (json !== undefined) return safeText(json);
    } catch { /* below */ }
  }
  return safeText(a);
}
