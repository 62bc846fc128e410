// jose 6, NestJS 12 and openid-client 6 are ESM-only, so jest runs in ESM mode
// (--experimental-vm-modules, set by the npm scripts) and ts-jest emits ESM.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
  // Once every suite has finished, a handle left open (a child server, a socket) must not keep the run
  // waiting until CI's time limit: exit anyway (run with --detectOpenHandles to find such a handle).
  forceExit: true,
  globalSetup: '<rootDir>/test/global-setup.js',
};
