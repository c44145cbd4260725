/** Matches one `{{ name }}` placeholder. */
const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces each `{{ name }}` in `template` with `values[name]`; unknown names stay as written.
 *
 * Why so small: annotations only need the alert's facts (tenant, asset, variable, value…); rule loading
 * rejects names a rule kind cannot provide (see {@link templateNames}), so a typo fails at load time.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(placeholder, (whole, name: string) => values[name] ?? whole);
}

/** The placeholder names used in a template, in order of appearance. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1]!);
}
