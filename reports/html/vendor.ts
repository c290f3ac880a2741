/**
 * The browser builds of vega, vega-lite and vega-embed, read from
 * node_modules to be inlined: a report must open offline, so nothing is
 * loaded from a CDN. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface VendorScript {
  name: string;
  version: string;
  code: string;
}

const require = createRequire(import.meta.url);

/** `exports` hides build/, so the file is found next to the package's resolved entry point. */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!dir.endsWith(join('node_modules', name))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot locate the ${name} package directory`);
    dir = up;
  }
  return dir;
}

function load(name: string, file: string): VendorScript {
  const dir = packageDir(name);
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  // The source map is not shipped with the report; a browser would try to fetch it.
  const code = readFileSync(join(dir, 'build', file), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S*\s*$/gm, '\n').trimEnd();
  // Inlined in <script>, these would end the element or enter the parser's escaped states.
  if (/<\/script|<!--|<script/i.test(code)) throw new Error(`${name}/build/${file} contains a script-breaking sequence; it cannot be inlined`);
  return { name, version, code };
}

let cached: VendorScript[] | undefined;

/** vega, then vega-lite, then vega-embed: the order their UMD wrappers need. */
export function vendorScripts(): VendorScript[] {
  cached ??= [load('vega', 'vega.min.js'), load('vega-lite', 'vega-lite.min.js'), load('vega-embed', 'vega-embed.min.js')];
  return cached;
}
