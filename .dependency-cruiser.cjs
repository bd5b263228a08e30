/** Import rules: the arrows of DESIGN.md §1, enforced in CI. */
module.exports = {
  forbidden: [
    { name: 'kafkajs-only-in-kafka', severity: 'error', comment: 'Only src/kafka talks to a Kafka client library.',
      from: { pathNot: '^src/kafka' }, to: { path: 'node_modules/kafkajs' } },
    { name: 'dsl-not-to-runtime', severity: 'error', comment: 'The DSL builds graphs; it does not run them.',
      from: { path: '^src/dsl' }, to: { path: '^src/(runtime|kafka|query|test-driver)|^graphql' } },
    { name: 'topology-not-to-runtime', severity: 'error',
      from: { path: '^src/topology' }, to: { path: '^src/(runtime|kafka|query|dsl|test-driver)|^graphql' } },
    { name: 'processor-is-a-leaf', severity: 'error',
      from: { path: '^src/processor' }, to: { path: '^src/(runtime|kafka|query|dsl|topology|test-driver)|^graphql' } },
    { name: 'state-not-to-runtime', severity: 'error',
      from: { path: '^src/state' }, to: { path: '^src/(runtime|kafka|query|dsl|test-driver)|^graphql' } },
    { name: 'kafka-is-a-leaf', severity: 'error', comment: 'The Kafka port knows nothing of streams.',
      from: { path: '^src/kafka' }, to: { path: '^src/(runtime|query|dsl|topology|processor|state|test-driver)|^graphql' } },
    { name: 'nothing-below-graphql-knows-graphql', severity: 'error',
      from: { path: '^src' }, to: { path: '^graphql|node_modules/(graphql|@apollo)' } },
    { name: 'no-circular', severity: 'error', comment: 'Type-only cycles (KStream <-> KTable) are fine; runtime cycles are not.',
      from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
