// What every console suite needs to drive the console in a real browser (playwright-core on Debian's
// /usr/bin/chromium): a browser, pages already logged in (the admin token in sessionStorage, as the
// login form leaves it), a screenshot that first checks the page fits its window, the browser's own
// errors collected, and a chart's drawn pixels counted. Without Chromium a suite is skipped with a
// message, except under CI, where that is a failure.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestServer } from '../harness.js';

export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test-output',
  'screenshots',
);
/** sessionStorage key the console keeps its admin token under (src/token.ts). */
const TOKEN_KEY = 'huddle.console.token';

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** True when Chromium is here; logs why the suite is skipped otherwise (a failure under CI). */
export function haveChromium(suite: string): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (.ci/run installs the chromium package)`);
  console.warn(`*** ${suite} is skipped: ${CHROMIUM} is missing (apt-get install chromium) ***`);
  return false;
}

// What page.evaluate's functions see in the browser (the tests are type-checked without the DOM library).
type BrowserWindow = {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    querySelectorAll(selector: string): Iterable<BrowserElement>;
  };
};
type BrowserElement = {
  textContent: string | null;
  width: number;
  height: number;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
};

/** One browser for a suite, its pages, their errors and screenshots. */
export class ConsoleBrowser {
  /** What the pages reported as an error: console.error, uncaught exceptions. */
  readonly errors: string[] = [];
  readonly shots: string[] = [];

  private constructor(
    readonly browser: Browser,
    private readonly server: TestServer,
  ) {}

  static async launch(server: TestServer): Promise<ConsoleBrowser> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    return new ConsoleBrowser(browser, server);
  }

  /** The console's address of a route ("/events?status=dead"). */
  url(route: string): string {
    return `${this.server.client.url}/console${route}`;
  }

  /** A page watched for errors; logged in unless `loggedIn` is false; on a phone-sized screen when asked. */
  async newPage(options: { phone?: boolean; loggedIn?: boolean } = {}): Promise<Page> {
    const page = await this.browser.newPage(
      options.phone ? { viewport: PHONE, isMobile: true, hasTouch: true } : { viewport: DESKTOP },
    );
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => this.errors.push(`${page.url()}: ${err.message}`));
    if (options.loggedIn !== false)
      await page.addInitScript(
        `sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(this.server.adminToken)})`,
      );
    return page;
  }

  /** Checks the page fits its window, then screenshots it into test-output/screenshots/. */
  async screenshot(page: Page, name: string): Promise<void> {
    await expectNoOverflow(page);
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.shots.push(file);
  }

  async close(): Promise<void> {
    await this.browser.close();
    if (this.shots.length) console.log(`console screenshots:\n${this.shots.map((f) => `  ${f}`).join('\n')}`);
  }
}

/** Follows the navigation bar's link of that name. */
export const openFromNav = (page: Page, name: string) =>
  page.locator('nav').getByRole('link', { name, exact: true }).click();

/** The page is no wider than the window: wide content scrolls inside its own box, never the page. */
export async function expectNoOverflow(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => {
    const root = (globalThis as unknown as BrowserWindow).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect(scroll, `${page.url()} is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client);
}

/** How many pixels of a chart's canvases are the given colour (#rrggbb): the points and lines drawn. */
export function pixelsOf(page: Page, chart: string, color: string): Promise<number> {
  return page.evaluate(
    ([title, hex]) => {
      const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      const figure = [...(globalThis as unknown as BrowserWindow).document.querySelectorAll('figure.chart')].find((f) =>
        f.querySelector('figcaption')?.textContent?.startsWith(title),
      );
      let n = 0;
      for (const canvas of figure?.querySelectorAll('canvas') ?? []) {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4)
          if (data[i] === want[0] && data[i + 1] === want[1] && data[i + 2] === want[2] && data[i + 3] === 255) n++;
      }
      return n;
    },
    [chart, color] as const,
  );
}
