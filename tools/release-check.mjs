// Release check (CI): the release path for real, against a real local registry. Starts verdaccio
// (third-party packages proxied from the npm registry, @imprint/* only local), copies the built
// workspace, runs `changeset version` and `changeset publish` there as a release would, then in an
// empty folder per package README runs that README's exact `npm install …` line against the
// registry, type-checks every TypeScript sample of the README against what was installed, and runs
// @imprint/core's sample on small arrays. Needs the packages built and the npm registry reachable
// (as tools/published-shape.mjs). Prints one line per check; exits 1 if any failed.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const PACKAGES = readdirSync(join(root, 'packages')).filter((name) => existsSync(join(root, 'packages', name, 'package.json')));
let passed = 0;
let failed = 0;

async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok    ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL  ${name}\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}${error.message}`);
  }
}

const freePort = () =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

const work = mkdtempSync(join(tmpdir(), 'imprint-release-'));
const port = await freePort();
const registry = `http://127.0.0.1:${port}/`;
writeFileSync(
  join(work, 'verdaccio.yaml'),
  `storage: ${join(work, 'storage')}
auth:
  htpasswd:
    file: ${join(work, 'htpasswd')}
    max_users: 10
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  '@imprint/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
log: { type: stdout, format: pretty, level: error }
`,
);
const server = spawn(join(root, 'tools', 'node_modules', '.bin', 'verdaccio'), ['--config', join(work, 'verdaccio.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout.on('data', (chunk) => (serverLog += chunk));
server.stderr.on('data', (chunk) => (serverLog += chunk));
const stop = () => {
  server.kill();
};
process.on('exit', stop);

// The registry up, and a user whose token publishes.
let token;
await check(`verdaccio serves a registry at ${registry}`, async () => {
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`${registry}-/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i === 149) throw new Error(`no answer after 30 s:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const created = await fetch(`${registry}-/user/org.couchdb.user:release`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'release', password: 'release-check', type: 'user' }),
  });
  const body = await created.json();
  if (!created.ok || typeof body.token !== 'string') throw new Error(`cannot create the publishing user: ${created.status} ${JSON.stringify(body)}`);
  token = body.token;
});

// A release from a copy of the built workspace: changeset version, then changeset publish.
const copy = join(work, 'workspace');
const env = { ...process.env, NO_COLOR: '1', CI: 'true', npm_config_registry: registry, NPM_CONFIG_USERCONFIG: join(work, 'npmrc'), ONNXRUNTIME_NODE_INSTALL: 'skip' };
writeFileSync(join(work, 'npmrc'), `registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
const run = (command, args, cwd, extra = {}) => execFileSync(command, args, { cwd, stdio: 'pipe', env: { ...env, ...extra } }).toString();
const versions = {};
await check('changeset version in a copy of the built workspace', async () => {
  const skip = new Set(['node_modules', '.git', '.nx', '.imprint-cache', 'results', 'test-results.json', '.docs-check']);
  cpSync(root, copy, { recursive: true, filter: (source) => !skip.has(source.split('/').at(-1)) });
  const pending = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  if (pending.length === 0) throw new Error('no pending changesets: nothing would be released');
  // Dependencies from the local pnpm store (offline): pnpm publish reads the workspace packages it
  // links to turn workspace: ranges into versions.
  run('pnpm', ['install', '--offline', '--frozen-lockfile', '--ignore-scripts'], copy);
  run(bin('changeset'), ['version'], copy);
  for (const name of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(copy, 'packages', name, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    versions[manifest.name] = manifest.version;
    if (!existsSync(join(copy, 'packages', name, 'CHANGELOG.md'))) throw new Error(`${manifest.name}: changeset version wrote no CHANGELOG.md`);
  }
  if (readdirSync(join(copy, '.changeset')).some((f) => pending.includes(f))) throw new Error('changeset version left changesets behind');
  console.log(`      versions: ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}`);
});
await check('changeset publish to the local registry (workspace: ranges become versions)', async () => {
  run(bin('changeset'), ['publish', '--no-git-tag'], copy);
  for (const [name, version] of Object.entries(versions)) {
    let published;
    try {
      published = JSON.parse(run('npm', ['view', `${name}@${version}`, '--json'], work));
    } catch (error) {
      throw new Error(`${name}@${version} is not in the registry after publishing: ${String(error.stderr ?? error.message)}`);
    }
    const dependencies = { ...published.dependencies, ...published.peerDependencies };
    const workspaceRanges = Object.entries(dependencies).filter(([, range]) => String(range).startsWith('workspace:'));
    if (workspaceRanges.length > 0) throw new Error(`${name}@${version} was published with workspace: ranges: ${JSON.stringify(workspaceRanges)}`);
  }
});

// Each README's install line in an empty folder, and its samples against what it installed.
function installLines(readme) {
  const text = readFileSync(readme, 'utf8');
  const lines = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1].replace(/\\\n\s*/g, '');
    for (const line of joined.split('\n')) if (/^npm install @imprint\//.test(line.trim())) lines.push(line.trim());
  }
  return lines;
}
const samples = (readme) => [...readFileSync(readme, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const prelude = readFileSync(join(root, 'tools', 'docs', 'prelude.d.ts'), 'utf8');

for (const name of PACKAGES) {
  const readme = join(root, 'packages', name, 'README.md');
  if (!existsSync(readme)) continue;
  const lines = installLines(readme);
  if (lines.length === 0) continue;
  const folder = mkdtempSync(join(work, `consumer-${name}-`));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }));
  for (const line of lines) {
    await check(`packages/${name}/README.md: ${line}`, () => {
      const args = line.split(/\s+/).slice(1);
      run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], folder);
      const installed = JSON.parse(readFileSync(join(folder, 'node_modules', '@imprint', name, 'package.json'), 'utf8'));
      if (installed.version !== versions[installed.name]) throw new Error(`installed ${installed.name}@${installed.version}, released ${versions[installed.name]}`);
    });
  }
  const code = samples(readme);
  if (code.length === 0) continue;
  await check(`packages/${name}/README.md: ${code.length} TypeScript sample(s) type-check against the installed packages`, () => {
    code.forEach((sample, i) => writeFileSync(join(folder, `sample-${i + 1}.ts`), `${sample}\nexport {};\n`));
    writeFileSync(join(folder, 'prelude.d.ts'), prelude);
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true, types: [] }, include: ['*.ts'] }),
    );
    if (!existsSync(join(folder, 'node_modules', 'typescript'))) run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'typescript@5.9.3', '@types/node@20'], folder);
    try {
      run(join(folder, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--types', 'node'], folder);
    } catch (error) {
      throw new Error(`${String(error.stdout ?? '')}${String(error.stderr ?? '')}`);
    }
  });
  if (name === 'core') {
    await check('packages/core/README.md: its sample runs on the installed packages (small arrays for its inputs)', () => {
      const values = `const trainEmbeddings = [[1, 0.1], [0.9, 0], [0, 1], [0.1, 0.9]];
const trainLabels = [0, 0, 1, 1];
const testEmbeddings = [[2, 0.1], [0.2, 3]];
const moreEmbeddings = [[-1, 0], [-0.9, -0.1]];
`;
      const body = code[0].replace(/^(import[^\n]*\n)+/, (imports) => imports + values);
      writeFileSync(join(folder, 'run-sample.ts'), `${body}\nconsole.log('predicted', head.predict(testEmbeddings).join(','), again.predict([[-2, 0]]).join(','));\n`);
      const out = run(process.execPath, ['--import', join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs'), 'run-sample.ts'], folder);
      if (!out.includes('predicted 0,1 new-class')) throw new Error(`unexpected output: ${out}`);
    });
  }
}

stop();
rmSync(work, { recursive: true, force: true });
console.log(`release check: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
