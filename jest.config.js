// Two projects: fast, pure unit tests and integration tests that need a real
// broker (or other real processes). Sources are TypeScript ESM; @swc/jest strips
// types without type-checking (tsc does that in `make typecheck`).
const swc = [
  "@swc/jest",
  {
    jsc: { target: "es2024", parser: { syntax: "typescript" }, keepClassNames: true },
    module: { type: "es6" },
    sourceMaps: "inline",
  },
];

const common = {
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\.ts$": swc },
  testEnvironment: "node",
  roots: ["<rootDir>/services", "<rootDir>/bench", "<rootDir>/test"].filter(Boolean),
  modulePathIgnorePatterns: ["<rootDir>/.toolchain/", "<rootDir>/.kafka/"],
};

export default {
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "\\.int\\.test\\.ts$"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["**/*.int.test.ts"],
      testPathIgnorePatterns: ["/node_modules/"],
      globalSetup: "<rootDir>/test/global-setup.ts",
      globalTeardown: "<rootDir>/test/global-teardown.ts",
    },
  ],
  // A global option (ignored inside a project): integration tests wait on a real broker, and property
  // tests run long on a loaded 2-core machine.
  testTimeout: 120000,
};
