// HTTP tests, third part: npm start itself (it spawns processes) and the preflight (see http-1.test.ts for
// why the suites are grouped).
import './http/preflight.js';
import './http/server.js';
