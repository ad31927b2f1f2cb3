import * as path from 'node:path';
import type { AgentApi } from '../../core/loop/agent-api';
import { BindRefusedError, startDashboardServer } from '../../server/dashboard-server';
import type { Io } from '../io';
import { UsageError } from '../usage-error';
import { RUN_USAGE_HINT } from './run-usage-hint';

/** The package root: dist/cli.js sits in dist/, the assets in dist/webview and media/. */
function packageRoot(): string {
  return path.resolve(__dirname, '..');
}

export async function startDashboard(
  agent: AgentApi,
  opts: { port: number; host?: string; allowRemote: boolean; io: Io },
): Promise<{ close: () => Promise<void> }> {
  try {
    const server = await startDashboardServer({
      agent,
      port: opts.port,
      host: opts.host,
      allowRemote: opts.allowRemote,
      assetsDir: packageRoot(),
      approver: `cli:${process.env.USER ?? 'user'}`,
      log: (level, message) => (level === 'info' ? opts.io.out(message) : opts.io.err(`dashboard: ${message}`)),
    });
    opts.io.out(`dashboard: ${server.url}\n  (the link carries this run's access token; API calls without it are refused)`);
    return { close: () => server.close() };
  } catch (err) {
    if (err instanceof BindRefusedError) throw new UsageError(err.message, RUN_USAGE_HINT);
    throw err;
  }
}
