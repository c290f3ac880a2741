/** `npm run schema`: regenerate the JSON Schemas in topologies/ from the zod schemas. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_FILE, PROFILE_JSON_SCHEMA_FILE, profileJsonSchemaText, topologyJsonSchemaText } from './jsonSchema.js';

for (const [file, text] of [
  [JSON_SCHEMA_FILE, topologyJsonSchemaText()],
  [PROFILE_JSON_SCHEMA_FILE, profileJsonSchemaText()],
] as const) {
  writeFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), text);
  console.log(`wrote ${file}`);
}
