/** Harness bring-up only: stands in for src/vscode/dashboard/dashboard-panel.ts while that module does not exist yet. */
import * as vscode from 'vscode';
import type { CreateDashboard } from '../../../src/vscode/dashboard-hook';

export const createDashboard: CreateDashboard = (host) => ({
  open: (incidentId) => host.log.info(`(bring-up) dashboard requested for ${incidentId ?? 'all incidents'}`),
  dispose: () => undefined,
});
void vscode;
