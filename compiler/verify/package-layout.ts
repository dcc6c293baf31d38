/**
 * What of a package, besides its .ts files, decides how TypeScript reads them: the file
 * names (module resolution) and the package.json fields module resolution and module
 * format depend on. Generated packages differ in their package.json name and description;
 * leaving those out lets one tool's verification reuse another's results for identical
 * files (above all the vendored runtime).
 */
export function packageLayoutKey(tsFileNames: readonly string[], packageJson: string | undefined): string {
  return JSON.stringify([tsFileNames, packageJson === undefined ? null : resolutionFields(packageJson)]);
}

function resolutionFields(text: string): unknown {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    // TypeScript reads an unparsable package.json as absent; the text keeps the key exact.
    return text;
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) return text;
  const field = (name: string): unknown => (name in manifest ? (manifest as Record<string, unknown>)[name] : null);
  return {
    // The module format of .ts files (ESM or CommonJS under NodeNext).
    type: field("type"),
    // Subpath imports (`#x`) and conditional exports; the name matters only with exports (self-reference).
    imports: field("imports"),
    exports: field("exports"),
    name: field("exports") === null ? null : field("name"),
    typesVersions: field("typesVersions"),
  };
}
