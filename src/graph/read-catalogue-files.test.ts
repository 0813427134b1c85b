import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { isCatalogueError } from './errors.js';
import { readCatalogueFiles } from './read-catalogue-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('readCatalogueFiles', () => {
  it('reads files relative to cwd and names them as given', async () => {
    const c = await readCatalogueFiles(['examples/graph/multi-region.yaml'], { cwd: root });
    assert.deepEqual(c.sources, ['examples/graph/multi-region.yaml']);
    assert.ok(c.components.some((x) => x.id === 'iam'));
  });

  it('reports every unreadable file', async () => {
    await assert.rejects(
      readCatalogueFiles(['nope.yaml', 'also-nope.yaml'], { cwd: root }),
      (e: unknown) =>
        isCatalogueError(e) &&
        e.issues.length === 2 &&
        /nope\.yaml: cannot read the file: no such file/.test(e.message),
    );
  });
});
