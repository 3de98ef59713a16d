import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../../support/service-process';

/** Debian's Chromium (apt-get install chromium; .ci/services.sh ensure_chromium): never a downloaded build. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser');

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary profile
 * (user-data dir) and deletes it on close, so no cookie or storage outlives a run.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y chromium (.ci/services.sh ensure_chromium does it)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The devices of the suite: each is a browser context of its own (its own cookie jar). */
export const DEVICES = {
  laptop: {
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
    viewport: { width: 1100, height: 900 },
  },
  phone: {
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  },
  tablet: {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
    viewport: { width: 820, height: 1000 },
  },
} as const;

export type Device = keyof typeof DEVICES;

export function newDevice(browser: Browser, device: Device): Promise<BrowserContext> {
  return browser.newContext({
    ...DEVICES[device],
    locale: 'en-GB',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
}

/** Saves a full-page screenshot of `page` as test-artifacts/browser/<name>.png (and where else asked). */
export async function screenshot(page: Page, name: string, ...copies: string[]): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const image = await page.screenshot({
    fullPage: true,
    path: path.join(ARTIFACTS, `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
  });
  for (const copy of copies) {
    mkdirSync(path.dirname(copy), { recursive: true });
    writeFileSync(copy, image);
  }
}
