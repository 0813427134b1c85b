/**
 * The README's TypeScript examples are type-checked and run as written, against the built
 * package (imports of `breakwater/...` resolve through package.json#exports to dist/), so the
 * documentation cannot drift from the code.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dir = join(root, '.tmp', 'readme');

interface Example {
  readonly heading: string;
  readonly file: string;
}

function extract(): Example[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const examples: Example[] = [];
  let heading = 'top';
  for (const m of readme.matchAll(/^### (.+)$|```ts\n([\s\S]*?)```/gm)) {
    if (m[1] !== undefined) {
      heading = m[1];
      continue;
    }
    const file = join(dir, `example-${examples.length + 1}.mts`);
    writeFileSync(file, `${m[2]!}\nexport {};\n`);
    examples.push({ heading, file });
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: { noEmit: true, noUnusedLocals: false, outDir: null },
      include: ['*.mts'],
    }),
  );
  return examples;
}

describe('README examples', () => {
  if (!existsSync(join(root, 'dist/resilience/index.js'))) {
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    assert.equal(build.status, 0, 'npm run build failed');
  }
  const examples = extract();

  it('has an example per policy', () => assert.ok(examples.length >= 9, `${examples.length}`));

  it('type-check against the published types', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, `README examples do not type-check:\n${res.stdout}${res.stderr}`);
  });

  for (const [i, { heading, file }] of examples.entries()) {
    it(`example ${i + 1} (${heading}) runs`, () => {
      const res = spawnSync(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        encoding: 'utf8',
      });
      assert.equal(res.status, 0, `README example ${i + 1} (${heading}) failed:\n${res.stderr}`);
    });
  }
});
