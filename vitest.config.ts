import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx", "compiler/**/*.test.ts", "runtime/**/*.test.ts", "server/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Compile workers skip their background JIT warm-up (seconds of CPU per worker): the suite
    // starts a pool in many test files, and the warm-up changes speed, never results.
    // tests/verify/compile-service.test.ts turns it on for the test of the warm-up itself.
    env: { TOOLWRIGHT_COMPILE_WARMUP: "0" },
  },
});
