// Publishes the zod schemas of COSMOS's machine-readable outputs as JSON Schema under docs/.
// `npm run schemas` rewrites them; test/unit/cli/schema-docs.test.ts fails when they are stale.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ReportSchema } from '../src/core/report/schema';

export function reportJsonSchema(): string {
  const schema = z.toJSONSchema(ReportSchema, { target: 'draft-2020-12', io: 'output' });
  return `${JSON.stringify({ $id: 'https://cosmos.local/schemas/report.schema.json', title: 'COSMOS analyze --json report', ...schema }, null, 2)}\n`;
}

export const REPORT_SCHEMA_FILE = path.join(__dirname, '..', 'docs', 'report.schema.json');

if (require.main === module) {
  writeFileSync(REPORT_SCHEMA_FILE, reportJsonSchema());
  console.log(`wrote ${path.relative(process.cwd(), REPORT_SCHEMA_FILE)}`);
}
