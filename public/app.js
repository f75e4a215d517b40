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
