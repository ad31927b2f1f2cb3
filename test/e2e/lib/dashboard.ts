import type { FrameLocator, Locator, Page } from 'playwright-core';
import { eventually } from './steps';

/**
 * The COSMOS dashboard webview as a person sees it inside the workbench. VS Code nests every webview in two
 * iframes: the outer `iframe.webview.ready` host and the inner `#active-frame` holding our page (it is
 * `#pending-frame` until loaded), see /work/shared/HARNESS.md.
 */
export class DashboardView {
  constructor(private readonly page: Page) {}

  frame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /** The editor tab of the panel. */
  tab(): Locator {
    return this.page.locator('.tabs-container .tab', { hasText: 'COSMOS Dashboard' });
  }

  /** Waits until the page has received its state: the incident list has rows. */
  async waitForContent(timeoutMs = 30_000): Promise<number> {
    const rows = this.frame().locator('.list-scroll .row');
    await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
    return rows.count();
  }

  row(incidentId: string): Locator {
    return this.frame().locator(`.list-scroll .row[data-id="${incidentId}"]`);
  }

  async selectedId(): Promise<string | undefined> {
    const row = this.frame().locator('.list-scroll .row[aria-selected="true"]');
    if ((await row.count()) === 0) return undefined;
    return (await row.first().getAttribute('data-id')) ?? undefined;
  }

  /** Clicks an incident in the list and waits until the trace shows it. */
  async select(incidentId: string): Promise<void> {
    await this.row(incidentId).click();
    await this.waitForTraceOf(incidentId);
  }

  async waitForTraceOf(incidentId: string, timeoutMs = 15_000): Promise<void> {
    await this.frame().locator('.trace-head .trace-meta .mono', { hasText: new RegExp(`^${incidentId}$`) }).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** One O/R/D/A section of the trace by its name ("Observe", "Reason", "Decide", "Act"). */
  stage(name: 'Observe' | 'Reason' | 'Decide' | 'Act'): Locator {
    return this.frame().locator(`.trace section.stage[aria-label="${name}"]`);
  }

  async stageText(name: 'Observe' | 'Reason' | 'Decide' | 'Act'): Promise<string> {
    return squash(await this.stage(name).innerText());
  }

  /** The action card in the Act section whose heading is `typeLabel` ("Create escalation"). */
  actionCard(typeLabel: string): Locator {
    return this.stage('Act').locator('article.action', { has: this.frame().locator('.action-head h4', { hasText: typeLabel }) });
  }

  /** Polls text inside the webview (the page re-renders sections as state arrives). */
  async eventuallyText(what: string, locator: Locator, test: RegExp, timeoutMs = 15_000): Promise<string> {
    return eventually(what, async () => {
      const text = squash(await locator.innerText({ timeout: 2000 }));
      return test.test(text) ? text : undefined;
    }, timeoutMs);
  }
}

export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
