// tests/support/firefox.mjs — Debian's firefox-esr, headless, driven over WebDriver BiDi by
// puppeteer-core (which never downloads a browser). A fresh profile per launch, removed on close.
//
//   const browser = await launchFirefox();  ...  await browser.close();
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.TATTLE_FIREFOX || '/usr/bin/firefox-esr';

export async function launchFirefox() {
  const profile = mkdtempSync(join(tmpdir(), 'tattle-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    timeout: 60000,
    extraPrefsFirefox: {
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  };
  return browser;
}
