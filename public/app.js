// Copy buttons: the one thing on these pages that needs JavaScript. Tokens are read from the page's
// text, never from inline script, so the Content-Security-Policy can forbid inline code.
document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    const source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    const label = button.textContent;
    try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = 'Copied';
    } catch {
        button.textContent = 'Copy failed: select the text instead';
    }
    setTimeout(() => {
        button.textContent = label;
    }, 2000);
});

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
