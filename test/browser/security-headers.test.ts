import type { TestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { useAppInBrowser, signIn, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

/** The CSP as a map of directive -> sources. */
function parseCsp(header: string): Map<string, string[]> {
  const directives = header.split(';').map((d) => d.trim().split(/\s+/)).filter((parts) => parts[0]);
  return new Map(directives.map(([name, ...sources]) => [name!.toLowerCase(), sources]));
}

function expectHardenedPage(headers: Record<string, string>): void {
  const cspHeader = headers['content-security-policy'] ?? '';
  const csp = parseCsp(cspHeader);
  expect(cspHeader).not.toContain('unsafe-inline');
  expect(cspHeader).not.toContain('unsafe-eval');
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('style-src')).toEqual(["'self'"]);
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
  expect(headers['x-content-type-options']).toBe('nosniff');
}

describe('output escaping', () => {
  it('when a user name holds HTML, then the account page shows it as text and runs nothing', async () => {
    const vendor = await buildUser(t.deps);
    const hostile = '<img src=x id=injected onerror="document.title=1"><script>document.title=2</script>';
    await t.deps.db.updateTable('users').set({ name: hostile }).where('id', '=', vendor.id).execute();
    const page = await browser.freshPage();
    await signIn(page, t.url, vendor);
    expect(await page.locator('main').innerText()).toContain(hostile);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.title()).toBe('Your account | Vendor Response Portal');
  });
});

describe('security headers seen by the browser', () => {
  it('when a visitor loads the sign-in page, then CSP, no-store, HSTS and nosniff are all set', async () => {
    const page = await browser.freshPage();
    const res = await page.goto(`${t.url}/sign-in`);
    expect(res?.status()).toBe(200);
    expectHardenedPage(await res!.allHeaders());
  });

  it('when a signed-in vendor loads /account, then the page is never cached and just as locked down', async () => {
    const vendor = await buildUser(t.deps);
    const page = await browser.freshPage();
    await signIn(page, t.url, vendor);
    const res = await page.goto(`${t.url}/account`);
    expect(res?.status()).toBe(200);
    expectHardenedPage(await res!.allHeaders());
  });

  it('when the page loads its styles and scripts, then all come from the portal itself', async () => {
    const page = await browser.freshPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${t.url}/sign-in`);
    await page.waitForLoadState('load');
    const origins = new Set(requested.map((u) => new URL(u).origin));
    expect([...origins]).toEqual([t.url]);
    expect(requested).toEqual(expect.arrayContaining([
      `${t.url}/assets/uswds/css/uswds.min.css`, `${t.url}/assets/uswds/js/uswds.min.js`, `${t.url}/assets/app/app.css`,
    ]));
  });
});
