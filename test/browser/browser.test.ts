// The tool as a person uses it: Debian's Chromium driven by playwright-core, against the real app and
// the simulator on random loopback ports. A missing browser fails this suite; it never skips.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AXE_SOURCE = axe.source;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-results');
// Without the background-networking flags Chromium's own connections are refused on a closed network.
const FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[] = [];
let appOrigin = 'http://localhost';

async function newPage(
    options: { javaScriptEnabled?: boolean; width?: number; height?: number; dark?: boolean } = {},
): Promise<Page> {
    context = await browser.newContext({
        javaScriptEnabled: options.javaScriptEnabled ?? true,
        viewport: { width: options.width ?? 1200, height: options.height ?? 900 },
        colorScheme: options.dark ? 'dark' : 'light',
    });
    page = await context.newPage();
    problems = [];
    page.on('console', (m) => {
        if (m.type() !== 'error' && m.type() !== 'warning') return;
        const where = m.location().url;
        // Only the app's pages are ours; an error page's own 4xx/5xx status is deliberate, and Chromium logs it.
        if (!where.startsWith(appOrigin)) return;
        if (
            /Failed to load resource: the server responded with a status of [45]\d\d/.test(m.text()) &&
            where === page.url()
        )
            return;
        problems.push(`${m.type()}: ${m.text()} (${where})`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    return page;
}

/**
 * axe-core's verdict on the page as it is now. It is injected through the DevTools protocol, which the
 * page's Content-Security-Policy does not govern.
 */
async function assertAccessible(what: string): Promise<void> {
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
        const axe = (
            window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }
        ).axe;
        const result = await axe.run();
        return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    assert.deepEqual(violations, [], `axe-core on ${what}`);
}

/** Console errors and CSP violations on the app's own pages (the simulator's pages are not ours). */
function assertNoProblems(): void {
    assert.deepEqual(problems, []);
}

async function saveArtifacts(name: string): Promise<void> {
    if (!page || page.isClosed()) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    const base = join(ARTIFACTS, name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80));
    await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
    writeFileSync(`${base}.html`, await page.content().catch(() => ''));
    console.log(`# browser test failed: screenshot ${base}.png, page ${base}.html`);
}

/** A test whose failure leaves a screenshot and the page's HTML in test-results/, named in the output. */
function browserTest(name: string, body: () => Promise<void>): void {
    it(name, async () => {
        try {
            await body();
        } catch (err) {
            await saveArtifacts(name);
            throw err;
        }
    });
}

async function loginThroughForm(
    startUrl: string,
    env: 'Production' | 'Sandbox' | 'Dev',
    username = 'ada@example.com',
    options: { confirm?: boolean } = {},
): Promise<void> {
    await page.goto(startUrl);
    await page.getByLabel('Environment').selectOption(env);
    await page.getByRole('button', { name: 'Log in with Salesforce' }).click();
    await page.getByLabel('Username').fill(username);
    await page.getByRole('button', { name: 'Log In' }).click();
    // Without JavaScript there is no tab secret: the app asks the person to confirm on its own page.
    if (options.confirm) {
        await page.getByRole('heading', { name: 'Finish this login?' }).waitFor();
        await page.getByRole('button', { name: 'Finish the login' }).click();
    }
    await page.waitForURL(/\/result\/[A-Za-z0-9_-]{43}$/);
}

before(async () => {
    if (!existsSync(CHROMIUM)) {
        throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    }
    // launch() gives every run a fresh, temporary user-data dir of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
});

after(async () => {
    await browser?.close();
});

describe('in a real browser', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
        appOrigin = stack.origin;
    });
    after(() => stack.close());
    afterEach(async () => {
        await context?.close();
        stack.sim.resetFaults();
    });

    browserTest(
        'starting at 127.0.0.1 (as the tutorial says), a Sandbox login lands on the result page with the token and the user, and no code in the address bar',
        async () => {
            await newPage();
            await loginThroughForm(`http://127.0.0.1:${stack.port}/`, 'Sandbox');
            assert.equal(new URL(page.url()).origin, stack.origin);
            assert.ok(!page.url().includes('code='));
            assert.equal(await page.locator('#identity-username').textContent(), 'ada@example.com');
            assert.equal(await page.locator('#org-kind').textContent(), 'Sandbox');
            assert.match((await page.locator('#access-token').textContent()) ?? '', /^00D1x000000SbxA!AR/);
            assert.equal(stack.sim.stats.lastTokenRealm, 'sandbox');
            // The status, asked beside the page, arrives through the page's script.
            await page.locator('#token-status', { hasText: /^Active$/ }).waitFor();
            assert.match((await page.locator('#expires-at').textContent()) ?? '', /\(in (1 h 59|2 h 0) min\)$/);
            // The tab that started the login claimed the code with its sessionStorage secret.
            assert.ok(stack.logs.some((line) => line.startsWith('POST /callback/tab 303')));
            // The README's screenshot, the top of the page, is refreshed on purpose only: `npm run screenshot`.
            if (process.env.UPDATE_SCREENSHOT === '1') {
                mkdirSync(join(ROOT, 'docs'), { recursive: true });
                await page.setViewportSize({ width: 1100, height: 720 });
                await page.screenshot({ path: join(ROOT, 'docs/result-page.png') });
            }
            await assertAccessible('the result page');
            assertNoProblems();
        },
    );

    browserTest(
        "the first page lists this browser's logins from its own storage, newest first; another browser sees none",
        async () => {
            await newPage();
            await loginThroughForm(`${stack.origin}/`, 'Production', 'ada@example.com');
            await loginThroughForm(`${stack.origin}/`, 'Sandbox', 'grace@example.com');
            await page.goto(`${stack.origin}/`);
            const items = page.locator('#logins li');
            await items.first().waitFor();
            assert.equal(await items.count(), 2);
            assert.match((await items.nth(0).textContent()) ?? '', /^grace@example\.com · Sandbox · Sandbox/);
            assert.match((await items.nth(1).textContent()) ?? '', /^ada@example\.com · Production · Production/);
            await items.nth(1).getByRole('link').click();
            await page.waitForURL(/\/result\/[A-Za-z0-9_-]{43}$/);
            assert.match((await page.locator('h1').textContent()) ?? '', /ada@example\.com/);
            await newPage();
            await page.goto(`${stack.origin}/`);
            assert.ok(await page.locator('#logins-card').isHidden(), 'a fresh browser profile lists nothing');
            assertNoProblems();
        },
    );

    browserTest(
        'the Copy button puts the whole access token on the clipboard, keeps its width, and its label comes back',
        async () => {
            await newPage();
            await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.origin });
            // The page's 2-second label timer runs on a clock the test moves.
            await page.clock.install();
            await loginThroughForm(`${stack.origin}/`, 'Production');
            const token = await page.locator('#access-token').textContent();
            const copy = page.locator('button[data-copy="access-token"]');
            const refresh = page.locator('.token-card .actions').getByRole('button', { name: 'Refresh token' });
            const before = { copy: (await copy.boundingBox())!, refresh: (await refresh.boundingBox())! };
            await copy.click();
            await page.getByRole('button', { name: 'Copied' }).waitFor();
            assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
            assert.equal((await copy.boundingBox())!.width, before.copy.width, 'the button keeps its width');
            assert.equal((await refresh.boundingBox())!.x, before.refresh.x, 'Refresh does not move under the pointer');
            // A second click while it says "Copied", then the time passes: the label comes back. The click's
            // clipboard write settles on its own schedule, so the page clock moves in steps until it has.
            await copy.click();
            let label = '';
            for (let step = 0; step < 40 && label !== 'Copy access token'; step++) {
                await page.clock.runFor(250);
                label = (await copy.textContent())?.trim() ?? '';
            }
            assert.equal(label, 'Copy access token', 'the label came back within 10 s of page time');
            assertNoProblems();
        },
    );

    browserTest(
        'Hide tokens covers every token on the page (for screen sharing), Copy still copies the token, and a reload keeps it hidden',
        async () => {
            await newPage();
            await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.origin });
            await loginThroughForm(`${stack.origin}/`, 'Production');
            const token = (await page.locator('#access-token').textContent()) ?? '';
            const refreshToken = (await page.locator('#refresh-token').textContent()) ?? '';
            await page.getByRole('button', { name: 'Hide tokens' }).click();
            assert.equal(await page.getByRole('button', { name: 'Show tokens' }).getAttribute('aria-pressed'), 'true');
            const shown = await page.locator('main').innerText();
            assert.ok(!shown.includes(token) && !shown.includes(refreshToken), 'no token is readable on the page');
            await page.getByRole('button', { name: 'Copy access token' }).click();
            await page.getByRole('button', { name: 'Copied' }).waitFor();
            assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
            await page.reload();
            assert.ok(!(await page.locator('main').innerText()).includes(token), 'still hidden after a reload');
            await page.getByRole('button', { name: 'Show tokens' }).click();
            assert.equal(await page.locator('#access-token').textContent(), token);
            await assertAccessible('the result page with its tokens hidden');
            assertNoProblems();
        },
    );

    browserTest(
        'the hand-off Copy puts the SFDX auth URL on the clipboard, and the Postman environment downloads',
        async () => {
            await newPage();
            await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.origin });
            await loginThroughForm(`${stack.origin}/`, 'Production');
            // One hand-off open at a time: each tool is a disclosure of one group.
            const cli = page.locator('#handoff-sf');
            const postman = page.locator('#handoff-postman');
            await cli.locator('summary').click();
            const authUrl = await page.locator('#sfdx-auth-url').textContent();
            assert.match(authUrl ?? '', /^force:\/\/3MVG9TEST\.CONSUMER\.KEY:[^:]+:5Aep861[^@]+@127\.0\.0\.1:\d+$/);
            await page.getByRole('button', { name: 'Copy SFDX auth URL' }).click();
            await page.getByRole('button', { name: 'Copied' }).waitFor();
            assert.equal(await page.evaluate(() => navigator.clipboard.readText()), authUrl);
            assert.match(
                (await page.locator('#sf-sfdx-url').textContent()) ?? '',
                / \| sf org login sfdx-url --sfdx-url-stdin - --alias sf-oauth-auth$/,
            );
            await postman.locator('summary').click();
            assert.equal(await postman.getAttribute('open'), '');
            assert.equal(await cli.getAttribute('open'), null, 'opening Postman closed the CLI');
            const [download] = await Promise.all([
                page.waitForEvent('download'),
                page.locator('#postman-download').click(),
            ]);
            assert.equal(download.suggestedFilename(), 'sf-oauth-auth.postman_environment.json');
            const saved = join(ARTIFACTS, 'postman-environment.json');
            mkdirSync(ARTIFACTS, { recursive: true });
            await download.saveAs(saved);
            const env = JSON.parse(readFileSync(saved, 'utf8')) as { values: Array<{ key: string; value: string }> };
            const token = await page.locator('#access-token').textContent();
            assert.equal(env.values.find((v) => v.key === '_accessToken')?.value, token);
            assertNoProblems();
        },
    );

    browserTest('Run query shows the sample Accounts, Refresh shows a new token, Revoke clears them', async () => {
        await newPage();
        await loginThroughForm(`${stack.origin}/`, 'Production');
        await page.getByRole('button', { name: 'Run query', exact: true }).click();
        await page.locator('#query-results').waitFor();
        assert.equal(await page.locator('#query-results tbody tr').count(), 5);
        assert.match((await page.locator('#query-results').textContent()) ?? '', /Edge Communications/);

        // Valid SOQL on the simulated org's other object, and a count.
        await page.getByLabel('SOQL').fill('SELECT COUNT() FROM Contact');
        await page.getByRole('button', { name: 'Run query', exact: true }).click();
        await page.locator('#query-summary', { hasText: /^8 records$/ }).waitFor();

        const before = await page.locator('#access-token').textContent();
        await page.getByRole('button', { name: 'Refresh token', exact: true }).click();
        const notice = page.locator('.token-card #notice');
        await notice.getByText('Refreshed: a new access token was issued').waitFor();
        assert.notEqual(await page.locator('#access-token').textContent(), before);
        // The page lands on the token card, and the notice is on screen, not scrolled away above it.
        const box = (await notice.boundingBox())!;
        assert.ok(box.y >= 0 && box.y + box.height <= 900, `the notice is on screen (y = ${box.y})`);

        await page.getByRole('button', { name: 'Revoke', exact: true }).click();
        // Revoke asks first: the page names what will stop working.
        await page.getByRole('heading', { name: /^Revoke the tokens of/ }).waitFor();
        await assertAccessible('the revoke confirmation');
        await page.getByRole('button', { name: 'Revoke for good' }).click();
        await page.getByRole('heading', { name: 'Tokens revoked' }).waitFor();
        assert.equal(await page.locator('#access-token').count(), 0);
        assertNoProblems();
    });

    browserTest('an id_token whose signature fails is reported as a warning, never as the identity', async () => {
        const scopes = stack.sim.settings.scopes;
        stack.sim.settings.scopes = [...scopes, 'openid'];
        stack.sim.settings.idTokenFault = 'bad_signature';
        try {
            await newPage();
            await page.goto(`${stack.origin}/`);
            await page.getByText('Advanced options').click();
            await page.getByLabel('Scopes').fill('api refresh_token web openid');
            await page.getByRole('button', { name: 'Log in with Salesforce' }).click();
            await page.getByRole('button', { name: 'Log In' }).click();
            await page.waitForURL(/\/result\/[A-Za-z0-9_-]{43}$/);
            const verdict = page.locator('#id-token-status');
            assert.match(
                (await verdict.textContent()) ?? '',
                /^Not verified, so not shown as your identity: .*signature/,
            );
            assert.equal(await verdict.getAttribute('role'), 'alert');
            const [warning, card] = await page.evaluate(() => [
                getComputedStyle(document.getElementById('id-token-status')!).backgroundColor,
                getComputedStyle(document.querySelector('.card')!).backgroundColor,
            ]);
            assert.notEqual(warning, card, 'styled as a warning, not as plain text');
            await assertAccessible('a result page with a failed id_token');
            assertNoProblems();
        } finally {
            stack.sim.settings.scopes = scopes;
        }
    });

    browserTest("a denied consent shows Salesforce's error and how to fix it", async () => {
        await newPage();
        await page.goto(`${stack.origin}/`);
        await page.getByRole('button', { name: 'Log in with Salesforce' }).click();
        await page.getByRole('button', { name: 'Deny access' }).click();
        await page.getByRole('heading', { name: 'The login was not allowed' }).waitFor();
        assert.equal(await page.locator('.sf-error').textContent(), 'access_denied');
        assert.match((await page.locator('.fix').textContent()) ?? '', /click Allow/);
        assertNoProblems();
    });

    browserTest('a token that contains markup is shown as text and runs no script', async () => {
        // Printable ASCII without spaces: the only tokens the app accepts, and still markup.
        stack.sim.settings.accessTokenExtra = '<img/src=x/onerror="window.__pwned=1"><script>window.__pwned=2</script>';
        await newPage();
        await loginThroughForm(`${stack.origin}/`, 'Production');
        assert.match(
            (await page.locator('#access-token').textContent()) ?? '',
            /<img\/src=x\/onerror="window.__pwned=1"><script>/,
        );
        assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
        assert.equal(await page.locator('main img').count(), 0);
        assertNoProblems();
    });

    browserTest(
        'with JavaScript off, the login still completes, the My Domain field shows and no Copy button does',
        async () => {
            await newPage({ javaScriptEnabled: false });
            await page.goto(`${stack.origin}/`);
            assert.ok(await page.locator('#my_domain').isVisible(), 'the field shows without JavaScript');
            await loginThroughForm(`${stack.origin}/`, 'Dev', 'ada@example.com', { confirm: true });
            assert.match((await page.locator('#access-token').textContent()) ?? '', /!AR/);
            assert.equal(await page.locator('button.copy:visible').count(), 0);
        },
    );

    browserTest(
        'the small things: the help follows the environment, Check again says when, and a long username wraps only between its parts on a phone',
        async () => {
            await newPage({ width: 360, height: 740 });
            await page.goto(`${stack.origin}/`);
            assert.match((await page.locator('#sf_env_help').textContent()) ?? '', /^A production org/);
            await page.getByLabel('Environment').selectOption('Sandbox');
            assert.match((await page.locator('#sf_env_help').textContent()) ?? '', /^A sandbox \(or scratch org\)/);
            await loginThroughForm(
                `${stack.origin}/`,
                'Production',
                'a.very.long.username.for.integrations@subsidiary.example-company.com',
            );
            await page.getByRole('button', { name: 'Check again' }).click();
            await page.waitForURL(/#token$/);
            assert.match((await page.locator('#checked-at').textContent()) ?? '', /^\(checked at \d\d:\d\d:\d\d\)$/);
            // Where each line of the heading starts: only after a space, a dot or a hyphen, or at the @.
            const breaks = await page.evaluate(() => {
                const h1 = document.querySelector('h1')!;
                const found: string[] = [];
                let lastTop = -1;
                let previous = '';
                const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    for (let i = 0; i < node.textContent!.length; i++) {
                        const range = document.createRange();
                        range.setStart(node, i);
                        range.setEnd(node, i + 1);
                        const top = range.getBoundingClientRect().top;
                        const char = node.textContent![i]!;
                        if (lastTop >= 0 && top > lastTop + 4 && char.trim() !== '') found.push(`${previous}|${char}`);
                        if (char.trim() !== '') lastTop = top;
                        previous = char;
                    }
                }
                return found;
            });
            assert.ok(breaks.length > 0, 'the heading wraps at this width');
            for (const b of breaks) assert.match(b, /^[ .-]\||\|@$/, `a line starts mid-word: ${b}`);
            assertNoProblems();
        },
    );

    browserTest('the My Domain field shows only for Custom, and typing one picks Custom', async () => {
        await newPage();
        await page.goto(`${stack.origin}/`);
        assert.ok(await page.locator('#my_domain').isHidden());
        await page.getByLabel('Environment').selectOption('Custom');
        assert.ok(await page.locator('#my_domain').isVisible());
        await page.getByLabel('Environment').selectOption('Production');
        assert.ok(await page.locator('#my_domain').isHidden());
        await page.getByLabel('Environment').selectOption('Custom');
        await page.getByLabel('My Domain or Experience Cloud site (for Custom)').fill('acme.lightning.force.com');
        await page.getByRole('button', { name: 'Log in with Salesforce' }).click();
        // Refused: the same form, the value kept, the reason next to the field, and a one-click fix.
        assert.equal(await page.locator('#my_domain').inputValue(), 'acme.lightning.force.com');
        assert.equal(await page.locator('#my_domain').getAttribute('aria-invalid'), 'true');
        await page.getByRole('button', { name: 'Use acme.my.salesforce.com' }).waitFor();
        await assertAccessible('the refused form');
        assertNoProblems();
    });

    browserTest('every page passes axe-core in the light and the dark color scheme', async () => {
        for (const dark of [false, true]) {
            await newPage({ dark });
            await page.goto(`${stack.origin}/`);
            await assertAccessible(`the first page (${dark ? 'dark' : 'light'})`);
            await loginThroughForm(`${stack.origin}/`, 'Production');
            await page.getByRole('button', { name: 'Run query', exact: true }).click();
            await page.locator('#query-results').waitFor();
            await assertAccessible(`the result page with a query (${dark ? 'dark' : 'light'})`);
            await page.locator('#handoff-sf summary').click();
            await page.locator('#transcript .exchange summary').first().click();
            await assertAccessible(`the result page with a hand-off and an exchange open (${dark ? 'dark' : 'light'})`);
            await page.goto(`${stack.origin}/nowhere`);
            await assertAccessible(`the 404 page (${dark ? 'dark' : 'light'})`);
            // An error page with the exchange that failed.
            stack.sim.settings.runAsUser = undefined;
            await page.goto(`${stack.origin}/`);
            await page.getByLabel('Client Credentials (an integration, no person)').check();
            await page.getByLabel('My Domain or Experience Cloud site (for Custom)').fill('acme.my.salesforce.com');
            await page.getByRole('button', { name: 'Get a token' }).click();
            await page.getByRole('heading', { name: 'The app has no Run As user' }).waitFor();
            await page.locator('#transcript .exchange summary').first().click();
            await assertAccessible(`an error page with its transcript (${dark ? 'dark' : 'light'})`);
            stack.sim.settings.runAsUser = 'integration.user@test.not';
            assert.equal(
                await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme),
                'light dark',
            );
            await context.close();
        }
    });

    browserTest('at phone width, the result page needs no sideways scrolling and every field has a label', async () => {
        await newPage({ width: 375, height: 740 });
        await page.goto(`${stack.origin}/`);
        const unlabelled = await page.evaluate(
            () =>
                [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(
                    (e) => (e as HTMLInputElement).labels?.length === 0,
                ).length,
        );
        assert.equal(unlabelled, 0);
        await loginThroughForm(`${stack.origin}/`, 'Production');
        const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
        // The token is on the first screen.
        const token = await page.locator('#access-token').boundingBox();
        assert.ok(token && token.y + token.height <= 740, 'the access token is on the first screen');
        if (process.env.UPDATE_SCREENSHOT === '1') {
            await page.screenshot({ path: join(ROOT, 'docs/result-page-phone.png') });
        }
        const headings = await page.evaluate(() =>
            [...document.querySelectorAll('h1, h2, h3')].map((h) => Number(h.tagName[1])),
        );
        assert.equal(headings[0], 1);
        for (let i = 1; i < headings.length; i++)
            assert.ok(headings[i]! <= headings[i - 1]! + 1, 'headings do not skip a level');
        assertNoProblems();
    });

    browserTest(
        'Client Credentials from the form: Custom is picked, the result names the Run As user, and the transcript copies as curl with the secret left out',
        async () => {
            await newPage();
            await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.origin });
            await page.goto(`${stack.origin}/`);
            await page.getByLabel('Client Credentials (an integration, no person)').check();
            assert.equal(await page.getByLabel('Environment').inputValue(), 'Custom');
            assert.ok(await page.locator('#username-field').isHidden(), 'no username for Client Credentials');
            assert.ok(
                await page.locator('#web-server-options').isHidden(),
                'no scopes or prompt without a browser login',
            );
            await page.getByLabel('My Domain or Experience Cloud site (for Custom)').fill('acme.my.salesforce.com');
            await assertAccessible('the first page with Client Credentials picked');
            await page.getByRole('button', { name: 'Get a token' }).click();
            await page.waitForURL(/\/result\/[A-Za-z0-9_-]{43}$/);
            assert.match((await page.locator('#run-as').textContent()) ?? '', /integration\.user@test\.not/);
            assert.ok(
                await page
                    .getByRole('button', { name: 'Refresh token' })
                    .isHidden()
                    .catch(() => true),
            );
            assert.equal(await page.getByRole('button', { name: 'Refresh token' }).count(), 0);
            const first = page.locator('#transcript .exchange').first();
            assert.match(
                (await first.locator('summary').textContent()) ?? '',
                /Token request \(client_credentials\): HTTP 200/,
            );
            await first.locator('summary').click();
            await first.getByRole('button', { name: 'Copy as curl' }).click();
            const copied = await page.evaluate(() => navigator.clipboard.readText());
            assert.match(copied, /^curl -X POST '.*\/services\/oauth2\/token' .*"client_secret=\$CLIENT_SECRET"$/);
            await assertAccessible('a Client Credentials result with a transcript exchange open');
            assertNoProblems();
        },
    );

    browserTest(
        'JWT Bearer from the form, in the dark color scheme: the result shows the decoded assertion',
        async () => {
            await newPage({ dark: true });
            await page.goto(`${stack.origin}/`);
            assert.ok(await page.locator('#username-field').isHidden());
            await page.getByLabel('JWT Bearer (CI, sf org login jwt)').check();
            await page.getByLabel('Username (for JWT Bearer)').fill('ci.user@test.not');
            await page.getByRole('button', { name: 'Get a token' }).click();
            await page.waitForURL(/\/result\/[A-Za-z0-9_-]{43}$/);
            const claims = JSON.parse((await page.locator('#assertion-claims').textContent()) ?? '{}');
            assert.equal(claims.sub, 'ci.user@test.not');
            assert.match((await page.locator('#sf-jwt').textContent()) ?? '', /^sf org login jwt /);
            await assertAccessible('a JWT Bearer result, dark');
            assertNoProblems();
        },
    );
});

describe('npm run demo in a real browser', () => {
    let demo: ChildProcess;
    let url = '';
    before(async () => {
        demo = spawn(process.execPath, [join(ROOT, 'dist/demo.js')], {
            env: { PATH: process.env.PATH ?? '', APP_PORT: '0' },
            stdio: ['ignore', 'pipe', 'inherit'],
        });
        url = await new Promise<string>((resolve, reject) => {
            let out = '';
            demo.stdout!.on('data', (d) => {
                out += d;
                const m = /Open (http:\/\/localhost:\d+)/.exec(out);
                if (m) resolve(m[1]!);
            });
            demo.on('exit', () => reject(new Error(`the demo exited: ${out}`)));
        });
        appOrigin = url;
    });
    after(() => {
        demo.kill();
    });
    afterEach(async () => {
        await context?.close();
    });

    browserTest('the demo walk-through works the same way and every page says the org is simulated', async () => {
        await newPage();
        await page.goto(`${url}/`);
        assert.match((await page.locator('.banner').textContent()) ?? '', /simulated/);
        await loginThroughForm(`${url.replace('localhost', '127.0.0.1')}/`, 'Sandbox');
        assert.match((await page.locator('.banner').textContent()) ?? '', /simulated/);
        assert.match((await page.locator('#access-token').textContent()) ?? '', /!AR/);
        await assertAccessible('the demo result page, banner included');
        await page.goto(`${url}/`);
        await assertAccessible('the demo first page, banner included');
        assertNoProblems();
    });

    browserTest('the demo plays Client Credentials and JWT Bearer with its own key and certificate', async () => {
        await newPage();
        await page.goto(`${url}/`);
        await page.getByLabel('Client Credentials (an integration, no person)').check();
        await page.getByLabel('My Domain or Experience Cloud site (for Custom)').fill('acme.my.salesforce.com');
        await page.getByRole('button', { name: 'Get a token' }).click();
        await page.waitForURL(/\/result\/[A-Za-z0-9_-]{43}$/);
        assert.match((await page.locator('#run-as').textContent()) ?? '', /Run As user/);
        await page.goto(`${url}/`);
        await page.getByLabel('JWT Bearer (CI, sf org login jwt)').check();
        await page.getByLabel('Username (for JWT Bearer)').fill('ci.user@test.not');
        await page.getByRole('button', { name: 'Get a token' }).click();
        await page.waitForURL(/\/result\/[A-Za-z0-9_-]{43}$/);
        assert.match((await page.locator('#flow-name').textContent()) ?? '', /^JWT Bearer flow/);
        assertNoProblems();
    });
});
