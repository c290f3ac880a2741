/**
 * Extension keys: top-level keys of a topology, mesh profile or sweep file that
 * start with `x-`, which meshtax ignores, as Docker Compose does its
 * extension fields. They are the place for a YAML anchor that services (or
 * proxies) merge from: `x-svc: &svc {workers: 2}`, then `a: {<<: *svc}`.
 * The aliases are filled in when the file is parsed, so by the time the
 * keys are dropped, what used them already holds their values.
 *
 * Only at the top level: deeper down an unknown key is far more likely a
 * typo of a real one, and the top level is where a template needs no
 * other home.
 */
import type { Path } from './locate.js';

/** For the JSON Schemas' patternProperties, so editors do not flag them. */
export const EXTENSION_KEY_PATTERN = '^x-';
export const EXTENSION_KEY_DESCRIPTION = 'Ignored by meshtax: a place for YAML anchors that other keys merge (<<: *name) or alias.';

export function isExtensionKey(key: Path[number]): boolean {
  return typeof key === 'string' && key.startsWith('x-');
}

/** The document without its top-level extension keys; the same object when it has none. */
export function withoutExtensionKeys(document: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(document).some(isExtensionKey)) return document;
  return Object.fromEntries(Object.entries(document).filter(([key]) => !isExtensionKey(key)));
}
