import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The kernels of @imprint/core (`Kernels`): plugins call them through `kernelSet(kernels)`, whose
 * table holds the engine's kernel or the reference one, and never keep a fallback of their own.
 */
const KERNEL = '/^(matMulTransposed|matMulTransposedRows|transposedMatMul|unitRows|rowSquaredNorms|matMulTransposed64|gram|nearest)$/';
export const privateKernelFallback = [
  {
    selector: `CallExpression[optional=true] > MemberExpression.callee[property.name=${KERNEL}]`,
    message: 'A kernel is called through kernelSet(kernels).name(…) (engine or reference), not kernels.name?.(…) with a fallback of your own.',
  },
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/] > MemberExpression[property.name=${KERNEL}]`,
    message: 'Do not branch on whether an engine has a kernel; call kernelSet(kernels).name(…), or ask kernelSet(kernels).overridden.has(name) to choose an algorithm (never to compute a fallback).',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', ...privateKernelFallback],
    },
  },
);
