/**
 * Checks a statement with the `xapi-validation` package (Learning Locker's
 * xAPI 1.0.3 rules): resolves the list of problems, empty when valid.
 */
import xapiValidation from 'xapi-validation';

type Warning = { path?: unknown; name?: unknown; typeName?: unknown; message?: unknown };

// A CommonJS module with `exports.default`: Node's ESM loader hands over the exports object.
const loaded = xapiValidation as unknown as ((data: unknown) => Warning[]) | { default: (data: unknown) => Warning[] };
const validate = typeof loaded === 'function' ? loaded : loaded.default;

/** The statement's problems as readable lines (path, rule), none when it is valid xAPI 1.0.3. */
export function xapiProblems(statement: unknown): string[] {
  return validate(statement).map((w) => {
    const path = Array.isArray(w.path) ? w.path.join('.') : String(w.path);
    return `${path}: ${String(w.name)}${w.typeName ? ` (${String(w.typeName)})` : ''}`;
  });
}
