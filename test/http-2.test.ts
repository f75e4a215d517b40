// HTTP tests, second half (see http-1.test.ts for why the suites are grouped).
import './http/after-login.js';
import './http/bad-input.js';
import './http/fixes.js';
import './http/local-attacker.js';
import './http/proxy.js';
import './http/secrets.js';
import './http/simulator.js';
import './http/token-faults.js';
import './http/warm.js';
