// Lint setup: typescript-eslint's type-aware rules, with floating promises rejected.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {
        ignores: [
            'node_modules/',
            'dist/',
            'out/',
            '.vscode-test-web/',
            '.tmp/',
            'eslint.config.mjs',
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts'],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            '@typescript-eslint/no-floating-promises': 'error',
            '@typescript-eslint/no-misused-promises': 'error',
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
            eqeqeq: ['error', 'always'],
        },
    },
    {
        files: ['client/src/**/*.ts', 'server/src/**/*.ts'],
        ignores: ['server/src/cli/**'],
        rules: { 'no-console': 'error' },
    },
    {
        files: ['**/*.mjs', '**/*.js'],
        languageOptions: {
            globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
        },
    },
    {
        // The command's launcher is CommonJS: it requires the CJS bundle.
        files: ['bin/*.js'],
        languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
        rules: { '@typescript-eslint/no-require-imports': 'off' },
    },
);
