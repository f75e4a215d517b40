// `npm run demo`: the whole login against the built-in Salesforce simulator. No org and no .env needed.
import { createApp } from './app.js';
import { memoryJwtKey, newPrivateKey } from './oauth/jwt-key.js';
import { bindLoopback } from './serve.js';
import { simulatedConfig } from './simulated-config.js';
import { startSimulator } from './simulator/index.js';

const CLIENT_ID = '3MVG9SIMULATED.CONSUMER.KEY';
const CLIENT_SECRET = 'SIMULATED-CONSUMER-SECRET';

/** The preferred port, or a free one when that port is taken; any other failure stops the demo. */
async function bindDemoPort(preferred: number) {
    try {
        return await bindLoopback('localhost', preferred);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        console.log(`Port ${preferred} is busy; the demo uses a free port instead.`);
        return bindLoopback('localhost', 0);
    }
}

const bound = await bindDemoPort(Number(process.env.APP_PORT ?? 7777));
// The simulated app allows openid too, so the demo shows a verified OpenID Connect identity.
const simulator = await startSimulator({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: ['api', 'refresh_token', 'offline_access', 'openid', 'web'],
});
// JWT Bearer: a key made in memory for this run, in the background (the page answers meanwhile); the simulated
// app has its certificate "uploaded" before the first assertion is signed with it.
const keyReady = newPrivateKey().then(async (privateKey) => {
    const key = await memoryJwtKey(privateKey)();
    simulator.settings.jwtCertificates = [await key.certificate()];
    return key;
});
const jwtKey = () => keyReady;
const config = simulatedConfig(simulator, {
    CLIENT_ID,
    CLIENT_SECRET,
    APP_URL: 'http://localhost',
    APP_PORT: String(bound.port),
});
bound.serve(createApp(config, { jwtKey }));

console.log('sf-oauth-auth demo: the Salesforce org is simulated on this machine.');
console.log(`Open ${config.origin} (http://127.0.0.1:${bound.port} works too) and log in with any username.`);
console.log('Client Credentials: choose Custom with any My Domain. JWT Bearer: any username.');
console.log(`The simulated app's policies (Run As user, pre-authorized users): ${simulator.urls.production}/setup`);
console.log('Stop with Control-C.');
if (process.argv.includes('--open')) {
    // Loaded only when asked for: start-up stays fast.
    const { default: open } = await import('open');
    await open(config.origin).catch(() => undefined);
}

process.on('SIGINT', () => {
    void simulator.close().then(() => process.exit(0));
    void bound.close();
});
