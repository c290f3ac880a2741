/**
 * Names that differ but read the same: `auth` and `аuth` (a Cyrillic а),
 * `Auth` and `auth`. Each is a service (entry point, node) of its own, and a
 * table or chart shows two rows a reader takes for one. Folded by Unicode
 * compatibility (NFKC: `ａuth` is `auth`), case, and the Cyrillic and Greek
 * letters drawn like Latin ones (the common core of Unicode's confusables,
 * UTS #39, enough for the names people type or paste; not the digit/letter
 * pairs such as 0/O, which a font may or may not tell apart).
 */
const LIKE_LATIN: Readonly<Record<string, string>> = {
  // Cyrillic
  'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'ë', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
  'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ї': 'ï', 'ј': 'j', 'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ү': 'y',
  // Greek
  'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'β': 'b',
};

/** The form two lookalike names share. */
export function skeleton(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFKC').toLowerCase()) out += LIKE_LATIN[ch] ?? ch;
  return out;
}

/** The first character where `a` and `b` differ, as U+XXXX and itself, for a message. */
export function firstDifference(a: string, b: string): string {
  const x = [...a], y = [...b];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const ch = i < y.length ? y[i] : x[i];
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} "${ch}"`;
}

/** Per lookalike group, each name after the first, with the first: in the order given. */
export function lookalikes(names: readonly string[]): Array<{ name: string; like: string }> {
  const first = new Map<string, string>();
  const out: Array<{ name: string; like: string }> = [];
  for (const name of names) {
    const key = skeleton(name);
    const seen = first.get(key);
    if (seen === undefined) first.set(key, name);
    else if (seen !== name) out.push({ name, like: seen });
  }
  return out;
}
