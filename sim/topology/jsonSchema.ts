/**
 * The JSON Schema of the topology file format, for editors (YAML language
 * server, VS Code JSON) and for other tools. Generated from the zod schema so
 * it cannot drift; test/topology/jsonSchema.test.ts fails if the committed
 * copy in topologies/ is stale (`npm run schema` regenerates it).
 */
import * as z from 'zod';
import { jsonOverride, topologyFileSchema } from './schema.js';

export const JSON_SCHEMA_FILE = 'topologies/meshtax.schema.json';

export function topologyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(topologyFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    // Unit scalars accept any string or number at runtime (so the checks can
    // explain a bad unit); editors get the exact patterns instead.
    override: (ctx) => {
      const replacement = jsonOverride.get(ctx.zodSchema)?.json;
      if (replacement === undefined) return;
      const target = ctx.jsonSchema as Record<string, unknown>;
      for (const key of Object.keys(target)) if (key !== 'description') delete target[key];
      Object.assign(target, replacement);
    },
  }) as Record<string, unknown>;
  // Title and description first: they are what a reader of the file looks for.
  const { $schema, title, description, ...rest } = generated;
  return { $schema, title, description, ...rest };
}

/** The file's exact text: 2-space JSON and a final newline. */
export function topologyJsonSchemaText(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}
