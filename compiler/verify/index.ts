/** The verification phase: tsc (strict), ESLint and the `any` scan over a generated package, in process. */
export { GENERATED_COMPILER_OPTIONS, verificationCompilerOptions } from "./compiler-options";
export { VERIFY_ESLINT_RULES } from "./eslint-check";
export { createVerifier, type Verifier } from "./verifier";
