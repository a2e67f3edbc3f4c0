// nx generator: `pnpm nx g @imprint/tools:plugin --kind normalizer --name centered-l2`
// Creates a plugin package wired like the core set: factory with typed options, registry entry
// with declaration merging, the core conformance suite in its tests, README, changeset.
const path = require('node:path');
const { formatFiles, generateFiles, names, offsetFromRoot, joinPathFragments } = require('@nx/devkit');

const KINDS = {
  generator: { title: 'Generator', type: 'ClassGenerator', registry: 'GeneratorRegistry', contract: 'describeGeneratorContract' },
  normalizer: { title: 'Normalizer', type: 'Normalizer', registry: 'NormalizerRegistry', contract: 'describeNormalizerContract' },
  aggregator: { title: 'Aggregator', type: 'Aggregator', registry: 'AggregatorRegistry', contract: 'describeAggregatorContract' },
  backbone: { title: 'Backbone', type: 'Backbone', registry: undefined, contract: 'describeBackboneContract' },
};

function corePackageVersion(tree) {
  const json = JSON.parse(tree.read('packages/core/package.json', 'utf-8') ?? '{"version":"0.1.0"}');
  return json.version;
}

/** @param {import('@nx/devkit').Tree} tree @param {{kind: string, name: string, directory?: string, packageName?: string}} options */
async function pluginGenerator(tree, options) {
  const kind = KINDS[options.kind];
  if (kind === undefined) throw new Error(`kind must be one of ${Object.keys(KINDS).join(', ')}, got ${JSON.stringify(options.kind)}`);
  if (!/^[a-z][a-z0-9-]*$/.test(options.name)) throw new Error(`name must be kebab-case (a-z, 0-9, -), got ${JSON.stringify(options.name)}`);
  const n = names(options.name);
  const directory = options.directory ?? 'examples';
  const root = joinPathFragments(directory, options.name);
  if (tree.exists(joinPathFragments(root, 'package.json'))) throw new Error(`${root} already exists`);
  const packageName = options.packageName ?? `imprint-plugin-${options.name}`;
  generateFiles(tree, path.join(__dirname, 'files'), root, {
    ...n,
    pluginName: options.name,
    factoryName: n.propertyName,
    optionsName: `${n.className}Options`,
    kind: options.kind,
    kindTitle: kind.title,
    typeName: kind.type,
    registryInterface: kind.registry,
    contract: kind.contract,
    packageName,
    coreRange: `^${corePackageVersion(tree)}`,
    tfRange: '^4.22.0',
    offset: offsetFromRoot(root),
    tmpl: '',
    tests: '__tests__',
  });
  tree.write(
    `.changeset/${options.name}.md`,
    `---\n"${packageName}": minor\n---\n\nNew ${options.kind} plugin \`${options.name}\`.\n`,
  );
  await formatFiles(tree);
}

module.exports = pluginGenerator;
module.exports.default = pluginGenerator;
module.exports.KINDS = KINDS;
