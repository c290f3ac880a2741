/**
 * The JSON Schemas of the file formats, for editors (YAML language server,
 * VS Code JSON) and for other tools. Generated from the zod schemas so they
 * cannot drift; tests fail if the committed copies in topologies/ are stale
 * (`npm run schema` regenerates them).
 */
import * as z from 'zod';
import { listMeshProfiles } from '../mesh/loadProfile.js';
import { PROFILE_PATH_PATTERN, profileFileSchema } from '../mesh/profileSchema.js';
import { topologyFileSchema } from './schema.js';
import { jsonOverride } from './valueSchemas.js';

export const JSON_SCHEMA_FILE = 'topologies/meshtax.schema.json';
export const PROFILE_JSON_SCHEMA_FILE = 'topologies/meshes/profile.schema.json';

export function topologyJsonSchema(): Record<string, unknown> {
  const schema = editorJsonSchema(topologyFileSchema);
  // A profile reference: the bundled names (so editors complete them), or a path.
  const defs = schema.$defs as Record<string, Record<string, unknown>>;
  defs.meshProfileRef = {
    description: defs.meshProfileRef.description,
    anyOf: [{ enum: listMeshProfiles() }, { type: 'string', pattern: PROFILE_PATH_PATTERN }],
  };
  return schema;
}

export function profileJsonSchema(): Record<string, unknown> {
  return editorJsonSchema(profileFileSchema);
}

/** The file's exact text: 2-space JSON and a final newline. */
export function topologyJsonSchemaText(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}

export function profileJsonSchemaText(): string {
  return `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
}

function editorJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, {
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
