/** `npm run schema`: regenerate topologies/meshtax.schema.json from the zod schema. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_FILE, topologyJsonSchemaText } from './jsonSchema.js';

const target = fileURLToPath(new URL(`../../${JSON_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, topologyJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
