// The page's small helpers; everything works without them. Tokens are read from the page's text, never
// from inline script, so the Content-Security-Policy can forbid inline code.

// Copy buttons: hidden in the HTML (they cannot work without JavaScript), shown here.
const copyStatus = document.getElementById('copy-status');
for (const button of document.querySelectorAll('button[data-copy]')) button.hidden = false;

/** Each Copy button's own label, read once: a second click while it says "Copied" must not keep that. */
const copyLabels = new WeakMap();
const copyTimers = new WeakMap();

/** What each hidden token's element showed before "Hide tokens": Copy still copies it. */
const hiddenTexts = new WeakMap();

document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    const source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    const text = hiddenTexts.get(source) ?? source.textContent;
    if (!copyLabels.has(button)) copyLabels.set(button, button.textContent);
    const label = copyLabels.get(button);
    // The button keeps its width while its label is shorter, so nothing beside it moves under the pointer.
    button.style.minWidth = `${button.getBoundingClientRect().width}px`;
    try {
        await navigator.clipboard.writeText(text);
        button.textContent = 'Copied';
        // Screen readers hear what was copied, not only a changed button label.
        if (copyStatus) copyStatus.textContent = `${label.replace(/^Copy /, '')} copied to the clipboard.`;
    } catch {
        button.textContent = 'Copy failed: select the text instead';
    }
    clearTimeout(copyTimers.get(button));
    copyTimers.set(
        button,
        setTimeout(() => {
            button.textContent = label;
            if (copyStatus) copyStatus.textContent = '';
        }, 2000),
    );
});

// "Hide tokens", for sharing the screen: every block that carries a token shows dots instead, and Copy still
// copies the token. The choice is kept for this app's address in this browser.
const MASK_KEY = 'sf-oauth-auth.hide-tokens';
const maskButton = document.getElementById('mask-tokens');

function hideTokens(hidden) {
    for (const element of document.querySelectorAll('[data-secret]')) {
        if (hidden && !hiddenTexts.has(element)) {
            hiddenTexts.set(element, element.textContent);
            element.textContent = '•'.repeat(24);
        } else if (!hidden && hiddenTexts.has(element)) {
            element.textContent = hiddenTexts.get(element);
            hiddenTexts.delete(element);
        }
    }
    if (maskButton) {
        maskButton.setAttribute('aria-pressed', String(hidden));
        maskButton.textContent = hidden ? 'Show tokens' : 'Hide tokens';
    }
}

if (maskButton) {
    maskButton.hidden = false;
    hideTokens(localStorage.getItem(MASK_KEY) === 'yes');
    maskButton.addEventListener('click', () => {
        const hidden = maskButton.getAttribute('aria-pressed') !== 'true';
        localStorage.setItem(MASK_KEY, hidden ? 'yes' : 'no');
        hideTokens(hidden);
    });
}

// The token's status is asked beside the page; when the page came before the answer, fetch it.
const pendingStatus = document.querySelector('[data-pending]');
if (pendingStatus) {
    fetch(pendingStatus.getAttribute('data-pending'), { headers: { accept: 'application/json' } })
        .then((res) => (res.ok ? res.json() : undefined))
        .then((status) => {
            if (!status) return;
            pendingStatus.textContent = status.text;
            const checked = document.getElementById('checked-at');
            if (checked && status.checked) checked.textContent = `(${status.checked})`;
            const expires = document.getElementById('expires-at');
            if (expires && status.expiresAt) expires.textContent = status.expiresAt;
        })
        .catch(() => undefined);
}

// The My Domain field belongs to Custom: shown for it, hidden for the others (always shown without JavaScript).
const environment = document.getElementById('sf_env');
const myDomainField = document.getElementById('my-domain-field');
const myDomain = document.getElementById('my_domain');
const flowChoices = document.querySelectorAll('input[name="flow"]');
const usernameField = document.getElementById('username-field');
const webServerOptions = document.getElementById('web-server-options');
const loginButton = document.getElementById('login-button');
if (environment && myDomainField && myDomain) {
    // Each flow's own fields: the username for JWT Bearer, the advanced options for the web server flow.
    const flow = () => document.querySelector('input[name="flow"]:checked')?.value ?? 'web_server';
    const environmentHelp = document.getElementById('sf_env_help');
    const helpTexts = JSON.parse(environmentHelp?.getAttribute('data-help') ?? '{}');
    const sync = () => {
        myDomainField.hidden = environment.value !== 'Custom';
        if (environmentHelp && helpTexts[environment.value]) environmentHelp.textContent = helpTexts[environment.value];
        if (usernameField) usernameField.hidden = flow() !== 'jwt_bearer';
        if (webServerOptions) webServerOptions.hidden = flow() !== 'web_server';
        if (loginButton) loginButton.textContent = flow() === 'web_server' ? 'Log in with Salesforce' : 'Get a token';
    };
    for (const choice of flowChoices) {
        choice.addEventListener('change', () => {
            // Only the org's My Domain serves Client Credentials.
            if (flow() === 'client_credentials') environment.value = 'Custom';
            sync();
        });
    }
    environment.addEventListener('change', sync);
    // Typing a My Domain means Custom.
    myDomain.addEventListener('input', () => {
        if (myDomain.value.trim() !== '') environment.value = 'Custom';
    });
    sync();
}

// Binding a login to the tab that started it. Cookies are shared by every localhost port; sessionStorage
// belongs to this origin (scheme, host and port) and this tab only. The login form carries this tab's
// secret, and after Salesforce sends the tab back, the callback page posts it again before the code is used.
const TAB_KEY = 'sf-oauth-auth.tab';

function tabSecret() {
    let secret = sessionStorage.getItem(TAB_KEY);
    if (!secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) {
        const bytes = crypto.getRandomValues(new Uint8Array(32));
        secret = btoa(String.fromCharCode(...bytes))
            .replace(/\+/g, '-')
            .replace(/\//g, '_')
            .replace(/=+$/, '');
        sessionStorage.setItem(TAB_KEY, secret);
    }
    return secret;
}

const loginForm = document.querySelector('form[action="/login"]');
if (loginForm) {
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = 'tab';
    field.value = tabSecret();
    loginForm.append(field);
}

const claimForm = document.getElementById('tab-claim');
if (claimForm) {
    claimForm.elements.namedItem('tab').value = sessionStorage.getItem(TAB_KEY) ?? '';
    claimForm.submit();
}

// "Logins in this browser": kept in this origin's localStorage (scheme, host and port), which no other localhost
// port can read, rather than listed by the server from a cookie that every localhost port shares. The result
// page adds or updates its own line; the first page lists them, newest first.
const LOGINS_KEY = 'sf-oauth-auth.logins';
const MAX_LOGINS = 20;

function storedLogins() {
    try {
        const list = JSON.parse(localStorage.getItem(LOGINS_KEY) ?? '[]');
        return Array.isArray(list) ? list.filter((l) => l && /^[A-Za-z0-9_-]{43}$/.test(l.id)) : [];
    } catch {
        return [];
    }
}

const summary = document.getElementById('login-summary');
if (summary) {
    try {
        const login = JSON.parse(summary.getAttribute('data-login') ?? '');
        const others = storedLogins().filter((l) => l.id !== login.id);
        const list = [login, ...others].sort((a, b) => b.createdAt - a.createdAt).slice(0, MAX_LOGINS);
        localStorage.setItem(LOGINS_KEY, JSON.stringify(list));
    } catch {
        // Storage full or disabled: the list is a convenience only.
    }
}

const loginsCard = document.getElementById('logins-card');
const loginsList = document.getElementById('logins');
if (loginsCard && loginsList) {
    const logins = storedLogins();
    for (const l of logins) {
        const item = document.createElement('li');
        const link = document.createElement('a');
        link.href = `/result/${l.id}`;
        link.textContent = String(l.user);
        item.append(link, ` · ${l.org} · ${l.environment} (${l.loginHost}) · ${l.when}`);
        if (l.revoked) {
            const revoked = document.createElement('strong');
            revoked.textContent = 'revoked';
            item.append(' · ', revoked);
        }
        loginsList.append(item);
    }
    loginsCard.hidden = logins.length === 0;
}
