import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { say } from './log';

/**
 * The VS Code workbench as a person uses it, through the selectors that work in VS Code 1.139
 * (see /work/shared/HARNESS.md). Every step can leave a screenshot in the artifacts folder.
 */
export class Workbench {
  private shot = 0;

  constructor(
    readonly page: Page,
    private readonly artifacts: string,
    private readonly prefix: string,
  ) {
    mkdirSync(artifacts, { recursive: true });
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  }

  /** Widens the side bar so tree descriptions (confidence, scope, merchants, expiry) are readable in screenshots. */
  async widenSideBar(width = 560): Promise<void> {
    // The sash sits on the side bar's right edge; drag it like a person would.
    const box = await this.page.locator('#workbench\\.parts\\.sidebar').boundingBox();
    if (!box) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width, y);
    await this.page.mouse.down();
    await this.page.mouse.move(width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  async screenshot(name: string): Promise<string> {
    const file = join(this.artifacts, `${this.prefix}-${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    say(`  screenshot ${file}`);
    return file;
  }

  statusItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  /** Runs a command from the palette by its full title ("COSMOS: Start Agent"). */
  async runCommand(title: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
  }

  async closeQuickInput(): Promise<void> {
    if (await this.page.locator('.quick-input-widget').isVisible()) await this.page.keyboard.press('Escape');
  }

  /** Quick pick row after a command opened one. */
  async pickQuickItem(text: string | RegExp): Promise<void> {
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
  }

  async typeInQuickInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  async openViewContainer(title: string): Promise<void> {
    const header = this.page.locator('#workbench\\.parts\\.sidebar .composite.title', { hasText: title });
    if (await header.isVisible()) return;
    const item = this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    // The badge on the icon (pending approvals) keeps the element from being "stable" for Playwright.
    await item.click({ force: true });
    await header.waitFor({ state: 'visible', timeout: 10_000 });
  }

  sidebarRow(text: string | RegExp): Locator {
    return this.page.locator('#workbench\\.parts\\.sidebar .monaco-list-row', { hasText: text });
  }

  /** The pane (view) of the side bar with this title, e.g. "Approvals". */
  pane(title: string): Locator {
    return this.page.locator('#workbench\\.parts\\.sidebar .pane', {
      has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }),
    });
  }

  paneRow(pane: string, text: string | RegExp): Locator {
    return this.pane(pane).locator('.monaco-list-row', { hasText: text });
  }

  /** Hovers a tree row and clicks one of its inline actions by the command title. */
  async clickInlineAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    const action = row.locator(`.actions .action-label[aria-label^="${title}"]`).first();
    await action.waitFor({ state: 'visible', timeout: 5_000 });
    await action.click();
  }

  async expandRow(row: Locator): Promise<void> {
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text });
  }

  async dismissNotifications(): Promise<void> {
    // "Notifications: Clear All Notifications" without the palette: focus a toast and press its clear key.
    const toasts = this.page.locator('.notifications-toasts .notification-list-item');
    for (let i = 0; i < 10 && (await toasts.count()) > 0; i++) {
      const clear = toasts.first().locator('.codicon-notifications-clear');
      await toasts.first().hover().catch(() => undefined);
      await clear.click({ timeout: 1000 }).catch(() => undefined);
    }
  }

  async problems(): Promise<Locator> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    return rows;
  }

  /** Opens a workspace file through Quick Open, like a person typing its name. */
  async openFile(name: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  codeLens(text: string | RegExp): Locator {
    return this.page.locator('.monaco-editor .codelens-decoration a', { hasText: text });
  }

  /** The modal dialog VS Code shows for `{ modal: true }` messages. */
  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }
}
