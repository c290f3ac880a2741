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
