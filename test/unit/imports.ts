import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('imports in src/', () => {
    it('form no cycle, type-only imports included, from any entry point', async () => {
        const tree = await parseDependencyTree(['src/server.ts', 'src/demo.ts', 'src/simulate.ts'], {
            context: ROOT,
            tsconfig: `${ROOT}tsconfig.json`,
            transform: false,
            skipDynamicImports: false,
        });
        assert.ok(
            Object.keys(tree).some((f) => f.endsWith('src/routes/result.ts')),
            'the whole app was read',
        );
        assert.deepEqual(parseCircular(tree), []);
    });

    it('the simulator imports nothing from the app: it is a second implementation', async () => {
        const tree = await parseDependencyTree(['src/simulate.ts'], { context: ROOT, transform: false });
        const app = Object.keys(tree).filter((f) => f.startsWith('src/') && !f.startsWith('src/simulator/'));
        assert.deepEqual(app, ['src/simulate.ts']);
    });
});
