/**
 * Which kind of meshtax file a parsed document is, told by the keys only
 * that kind has: a file given in another's place (results as --mesh, a
 * topology as --sweep) is then named as what it is, rather than as a list
 * of the keys the expected kind lacks or does not know.
 */
export type DocumentKindFound = 'topology' | 'profile' | 'sweep' | 'results';

export function kindOfDocument(value: Record<string, unknown>): DocumentKindFound | undefined {
  // Results written by run or compare start with meshtax: {version, format}; they have entrypoints too, so this comes first.
  const head = value.meshtax;
  if (typeof head === 'object' && head !== null && 'format' in head) return 'results';
  const services = 'services' in value || 'entrypoints' in value;
  if ('mode' in value && !services) return 'profile';
  if (('grid' in value || 'points' in value) && !('services' in value)) return 'sweep';
  if (services && !('mode' in value)) return 'topology';
  return undefined;
}

/**
 * Why bytes given as a YAML, JSON or NDJSON file are no text at all, or
 * undefined: gzip-compressed (`gzip -k results.ndjson`, a download left
 * packed), or binary — a NUL byte, which neither UTF-8 YAML nor JSON holds.
 * Read as text, YAML took such a file for one long string, and the error
 * spoke of "the string …" in mangled bytes.
 */
export type NotText = { gzip: true } | { gzip?: undefined; nulByte: number };

/** `scanned`: how many of the bytes to look for a NUL in (all of them unless given). */
export function notText(bytes: Buffer, scanned: number = bytes.length): NotText | undefined {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return { gzip: true };
  const nul = bytes.subarray(0, scanned).indexOf(0);
  // 1-based, as columns are.
  return nul < 0 ? undefined : { nulByte: nul + 1 };
}

/** A page (meshtax's HTML report, or any) given where YAML, JSON or NDJSON belongs, told by its first line. */
export function isHtmlPage(text: string): boolean {
  return /^\s*(<!doctype html|<html[\s>])/i.test(text.slice(0, 256));
}

/** A page that says meshtax made it (its reports carry <meta name="generator" content="meshtax …"> in their head). */
export function isMeshtaxReport(page: string): boolean {
  return /<meta name="generator" content="meshtax[\s"]/.test(page.slice(0, 4096));
}
