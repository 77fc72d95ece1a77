/** The camelCase JSON name of a PascalCase schema name (.NET's camel casing: `UID` → `uid`, `CreationTimeUTC` → `creationTimeUTC`). */
export function camelKey(name: string): string;
/** Parsed JSON with every member name passed through `rename`. */
export function recaseKeys(value: unknown, rename: (name: string) => string): unknown;
/** Parsed JSON re-cased from the schema's names to EM 13's camelCase. */
export function toCamel(value: unknown): unknown;
/** camelCase → schema name, for every member name the schemas of the document's responses declare (where the two differ). */
export function pascalNames(doc: unknown): Map<string, string>;
