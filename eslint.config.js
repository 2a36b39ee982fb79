import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**', 'fixtures/**', '.bench-cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Outputs must be the same bytes on every machine: the locale's collation orders text
    // differently under another LANG (src/unicode.ts compareText orders it the same everywhere).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='localeCompare']", message: 'Sorts by the machine locale: use compareText (src/unicode.ts).' },
        { selector: ":matches(NewExpression, CallExpression)[callee.object.name='Intl'][callee.property.name='Collator']", message: 'Sorts by the machine locale: use compareText (src/unicode.ts).' },
      ],
    },
  },
);
