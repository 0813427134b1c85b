// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Real time and randomness live only in src/core/ (SystemClock, the Rng's seeding). Everything
 * else takes a Clock and an Rng so the simulator can run it under virtual time, and any run can
 * be replayed from its seed (DESIGN.md, "Time and randomness").
 */
const determinism = {
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Take a Clock (src/core/clock.ts) instead.' },
    {
      object: 'performance',
      property: 'now',
      message: 'Take a Clock (src/core/clock.ts) instead.',
    },
    { object: 'Math', property: 'random', message: 'Take an Rng (src/core/rng.ts) instead.' },
    { object: 'globalThis', property: 'setTimeout', message: 'Use clock.setTimer / clock.sleep.' },
    { object: 'globalThis', property: 'setInterval', message: 'Use clock.setTimer.' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use clock.setTimer / clock.sleep (src/core/clock.ts).' },
    { name: 'setInterval', message: 'Use clock.setTimer (src/core/clock.ts).' },
    { name: 'performance', message: 'Take a Clock (src/core/clock.ts) instead.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'new Date() reads the wall clock: take a Clock instead.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself tracks.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // Policies pass on whatever the caller's function threw, or a signal's abort reason.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts', 'test/**/*.ts'], ignores: ['src/core/**'], rules: determinism },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);
