/**
 * zod issues → problems in the file's own terms. zod reports *what* failed
 * (an issue code and a path); this layer decides *how to say it*: unknown
 * keys with a did-you-mean, missing keys with what the key is for, wrong
 * types with what was found. Unions need care: zod reports every branch's
 * failure, and a person wants only the branch they evidently meant.
 */
import * as z from 'zod';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { error, type Problem } from './problem.js';
import { labels } from './schema.js';
import { closest } from './suggest.js';

type Issue = z.core.$ZodIssue;

export function schemaProblems(issues: readonly Issue[], root: z.ZodType, value: unknown): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) translate(issue, [], root, value, out);
  return dropExplainedMissingKeys(out);
}

function translate(issue: Issue, base: Path, schema: z.ZodType, root: unknown, out: Problem[]): void {
  const rel = issue.path as Path;
  const path = [...base, ...rel];
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_union': {
      if (issue.discriminator !== undefined && issue.errors.length === 0) {
        const known = 'options' in issue && issue.options ? issue.options.map(String) : [];
        out.push(discriminatorProblem(path, value, known));
        return;
      }
      const here = schemaAt(schema, rel, valueAt(root, base));
      if (value === undefined) {
        out.push(missingKey(path, here));
        return;
      }
      const options = unionOptions(here);
      const branch = pickBranch(issue.errors, value);
      if (branch === undefined || options[branch] === undefined) {
        out.push(wrongType(path, here, value));
        return;
      }
      const only = issue.errors[branch].length === 1 ? issue.errors[branch][0] : undefined;
      if (only?.code === 'invalid_value' && only.path.length === 0) {
        // e.g. queue: infinite, against an integer or "unbounded": name the whole union, not the one literal.
        out.push(error('invalid-value', path, msg.wrongValue(showValue(value), expectedLabel(here) ?? 'another value'), hintFor(path, here, value)));
        return;
      }
      for (const inner of issue.errors[branch]) translate(inner, path, options[branch], root, out);
      return;
    }
    case 'unrecognized_keys': {
      const allowed = objectKeys(schemaAt(schema, rel, valueAt(root, base)), value);
      for (const key of issue.keys) {
        out.push(error('unknown-key', [...path, key], msg.unknownKey(key), msg.unknownKeyHint(key, closest(key, allowed), allowed, path.length === 0), 'key'));
      }
      return;
    }
    case 'invalid_type': {
      const here = schemaAt(schema, rel, valueAt(root, base));
      if (value === undefined) {
        out.push(missingKey(path, here));
      } else {
        // An item of a list (zones: [a, {b: 1}]) has no description of its own: the list's says what goes in it.
        const list = typeof rel[rel.length - 1] === 'number' ? schemaAt(schema, rel.slice(0, -1), valueAt(root, base)) : undefined;
        out.push(wrongType(path, here, value, issue.expected, list));
      }
      return;
    }
    case 'invalid_value': {
      // A required enum key left out (a profile's mode) is a missing key, not an empty value.
      if (value === undefined) {
        out.push(missingKey(path, schemaAt(schema, rel, valueAt(root, base))));
        return;
      }
      const allowed = issue.values.map(String);
      const suggestion = typeof value === 'string' ? closest(value, allowed) : undefined;
      // Nothing close to suggest (via: ingress, loadBalancer: p2c): what the key means, as a wrong type's hint says, rather than no hint.
      const hint = msg.invalidValueHint(suggestion) ?? hintFor(path, schemaAt(schema, rel, valueAt(root, base)), value);
      out.push(error('invalid-value', path, msg.invalidValue(showValue(value), allowed), hint));
      return;
    }
    default:
      // The schema uses no other checks; keep zod's own text rather than lose the issue.
      out.push(error('invalid', path, issue.message));
  }
}

function discriminatorProblem(path: Path, value: unknown, known: string[]): Problem {
  if (value === undefined) return error('missing-key', path, msg.missingDist(), msg.distributionHint(undefined, known));
  if (typeof value !== 'string') return error('wrong-type', path, msg.wrongType('a distribution name', msg.describeValue(value)), msg.distributionHint(undefined, known));
  return error('unknown-distribution', path, msg.unknownDistribution(value), msg.distributionHint(closest(value, known), known));
}

function missingKey(path: Path, schema: z.ZodType | undefined): Problem {
  const key = String(path[path.length - 1]);
  return error('missing-key', path, msg.missingKey(key), msg.missingKeyHint(key, description(schema)));
}

function wrongType(path: Path, schema: z.ZodType | undefined, value: unknown, zodExpected?: string, list?: z.ZodType): Problem {
  const expected = expectedLabel(schema) ?? zodExpected ?? 'another type';
  return error('wrong-type', path, msg.wrongType(expected, msg.describeValue(value)), hintFor(path, schema, value, list));
}

function hintFor(path: Path, schema: z.ZodType | undefined, value: unknown, list?: z.ZodType): string | undefined {
  // Only a key that may be left out has a default to fall back on; removing a required one is the next error.
  const key = path[path.length - 1];
  // An empty item of a list (calls: [a, , b], or [null]) is no key: nothing to fall back on, only to fill in or drop.
  if (value === null && typeof key === 'number') return msg.emptyItemHint();
  if (value === null) return msg.emptyValueHint(schema instanceof z.ZodOptional || schema instanceof z.ZodDefault);
  const text = description(schema);
  if (text !== undefined) return typeof key === 'string' ? msg.fieldHint(key, text) : text;
  const listText = description(list);
  const listKey = path[path.length - 2];
  return listText !== undefined && typeof listKey === 'string' ? msg.fieldHint(listKey, listText) : undefined;
}

function showValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : msg.describeValue(value);
}

/**
 * The branch the writer evidently meant: among the branches whose type
 * matched (an object for an object branch, …), the one with fewest
 * complaints, the first on a tie. None matched: a plain type error.
 */
function pickBranch(branches: readonly (readonly Issue[])[], value: unknown): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < branches.length; i++) {
    if (isTypeMismatch(branches[i], value)) continue;
    if (best === undefined || branches[i].length < branches[best].length) best = i;
  }
  return best;
}

/**
 * A branch of another type than the value: a type error, or a literal
 * (`none`) offered a mapping or a list — a literal is never one, so
 * `retries: {attemps: 3}` is a mistake in the mapping, not a wrong `none`.
 */
function isTypeMismatch(issues: readonly Issue[], value: unknown): boolean {
  if (issues.length !== 1 || issues[0].path.length !== 0) return false;
  const issue = issues[0];
  if (issue.code === 'invalid_type') return true;
  if (issue.code === 'invalid_value') return value !== null && typeof value === 'object';
  return (
    issue.code === 'invalid_union' &&
    issue.discriminator === undefined &&
    issue.errors.length > 0 &&
    issue.errors.every((branch) => isTypeMismatch(branch, value))
  );
}

/**
 * After `{cal: x}` zod reports both "unknown key cal" and "missing key call";
 * the first explains the second, so only it is kept.
 */
function dropExplainedMissingKeys(problems: Problem[]): Problem[] {
  const unknownByParent = new Map<string, string[]>();
  for (const p of problems) {
    if (p.code !== 'unknown-key') continue;
    const parent = JSON.stringify(p.path.slice(0, -1));
    unknownByParent.set(parent, [...(unknownByParent.get(parent) ?? []), String(p.path[p.path.length - 1])]);
  }
  return problems.filter((p) => {
    if (p.code !== 'missing-key') return true;
    const key = String(p.path[p.path.length - 1]);
    const typos = unknownByParent.get(JSON.stringify(p.path.slice(0, -1))) ?? [];
    return !typos.some((typo) => closest(typo, [key]) === key);
  });
}

// ---- reading the schema ------------------------------------------------------------------

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** The schema that describes the value at `rel` below `schema`, whose value is `value`. */
function schemaAt(schema: z.ZodType, rel: Path, value: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  let here = value;
  for (const segment of rel) {
    const s = resolve(current, here);
    here = valueAt(here, [segment]);
    if (s instanceof z.ZodObject) current = s.shape[String(segment)] as z.ZodType | undefined;
    else if (s instanceof z.ZodRecord) current = s.valueType as z.ZodType;
    else if (s instanceof z.ZodArray) current = s.element as z.ZodType;
    else return undefined;
  }
  return current;
}

/** Look through wrappers, and through unions to the option `value` belongs to. */
function resolve(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  let s = schema;
  for (let guard = 0; s !== undefined && guard < 32; guard++) {
    const inner = unwrapOnce(s);
    if (inner !== undefined) {
      s = inner;
    } else if (s instanceof z.ZodDiscriminatedUnion) {
      const key = s.def.discriminator;
      const tag = valueAt(value, [key]);
      s = (s.options as z.ZodType[]).find((o) => o instanceof z.ZodObject && literalAccepts(o.shape[key], tag));
    } else if (s instanceof z.ZodUnion) {
      s = bestOption(s.options as z.ZodType[], value);
    } else {
      return s;
    }
  }
  return s;
}

function unwrapOnce(s: z.ZodType): z.ZodType | undefined {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodLazy) {
    return s.unwrap() as z.ZodType;
  }
  return undefined;
}

function literalAccepts(schema: unknown, tag: unknown): boolean {
  return schema instanceof z.ZodLiteral && schema.values.has(tag as never);
}

/**
 * For a value inside a union: the object option sharing most keys with it,
 * or the first of its kind. On a tie, the option whose required keys the
 * value has: `{parallel: [...], requestSize: 1KB}` shares one key with a
 * call step and one with a parallel group, and is the group, whose
 * `parallel` no call step takes.
 */
function bestOption(options: z.ZodType[], value: unknown): z.ZodType | undefined {
  const kind = Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : 'scalar';
  let best: z.ZodType | undefined;
  let bestScore = -1;
  for (const option of options) {
    const s = resolve(option, value);
    const optionKind = s instanceof z.ZodArray ? 'array' : s instanceof z.ZodObject || s instanceof z.ZodRecord ? 'object' : 'scalar';
    if (optionKind !== kind) continue;
    const score = s instanceof z.ZodObject ? objectScore(s, value as object) : 0;
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  return best;
}

/** Keys shared, counted double, plus one when every key the option requires is there. */
function objectScore(s: z.ZodObject, value: object): number {
  const keys = Object.keys(value);
  const shared = keys.filter((k) => k in s.shape).length;
  const required = Object.keys(s.shape).filter((k) => !(s.shape[k] instanceof z.ZodOptional || s.shape[k] instanceof z.ZodDefault));
  return 2 * shared + (required.every((k) => keys.includes(k)) ? 1 : 0);
}

function unionOptions(schema: z.ZodType | undefined): z.ZodType[] {
  let s = schema;
  while (s !== undefined) {
    if (s instanceof z.ZodUnion) return s.options as z.ZodType[];
    s = unwrapOnce(s);
  }
  return [];
}

function objectKeys(schema: z.ZodType | undefined, value: unknown): string[] {
  const s = resolve(schema, value);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** The nearest description on the way in through wrappers (field-level text beats type-level). */
function description(schema: z.ZodType | undefined): string | undefined {
  for (let s = schema; s !== undefined; s = unwrapOnce(s)) {
    const text = z.globalRegistry.get(s)?.description;
    if (text !== undefined) return text;
  }
  return undefined;
}

function expectedLabel(schema: z.ZodType | undefined): string | undefined {
  for (let s = schema; s !== undefined; s = unwrapOnce(s)) {
    const label = labels.get(s)?.expected;
    if (label !== undefined) return label;
    if (s instanceof z.ZodString) return 'a string';
    if (s instanceof z.ZodNumber) return 'a number';
    if (s instanceof z.ZodBoolean) return 'true or false';
    if (s instanceof z.ZodArray) return 'a list';
    if (s instanceof z.ZodObject || s instanceof z.ZodRecord) return 'a mapping';
    if (s instanceof z.ZodEnum) return `one of ${s.options.join(', ')}`;
  }
  return undefined;
}
