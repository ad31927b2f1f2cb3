import type { DashboardHook, DashboardHost } from './dashboard-hook';
import { createDashboard } from './dashboard/dashboard-panel';

/**
 * Creates the dashboard hook. Kept in its own module so the container depends only on the
 * `DashboardHook` contract (./dashboard-hook.ts), not on the webview code.
 */
export function loadDashboard(host: DashboardHost): DashboardHook {
  return createDashboard(host);
}
