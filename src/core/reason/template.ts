import { lookupField } from './fields';
import { fmtValue } from './condition';
import type { FeatureView } from './feature-view';

const PLACEHOLDER = /\$\{(%?)([^}]+)\}/g;

/** Placeholders of a template that name no known field (reported when rules are loaded). */
export function templateErrors(template: string): string[] {
  const errors: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const lookup = lookupField(m[2]!.trim());
    if (!lookup.ok) errors.push(`placeholder \${${m[1]}${m[2]}} — ${lookup.message}`);
  }
  return errors;
}

/** Renders a rule's explanation with the incident's numbers; `${%field}` prints a share as a percentage. */
export function renderTemplate(template: string, view: FeatureView): string {
  return template.replace(PLACEHOLDER, (whole, pct: string, name: string) => {
    const key = name.trim();
    const lookup = lookupField(key);
    if (!lookup.ok) return whole;
    const value = view.get(lookup.field, key);
    if (pct && typeof value === 'number') return `${Math.round(value * 100)} %`;
    return fmtValue(value);
  });
}
