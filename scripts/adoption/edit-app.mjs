// Adds Meshdeck to an app made by @backstage/create-app the way the README
// tells an adopter to, and fails loudly when the app does not look like the
// template any more (so a new create-app release cannot silently skip a step).
//
//   node edit-app.mjs --app <dir> --flavor <default|legacy> --packs <dir of .tgz>
//                     --create-app <dir of @backstage/create-app> --repo <dir>
//
// - root package.json: `resolutions` send every @meshdeck/* package to its
//   tarball (copied into <app>/meshdeck-packages/), as a registry would, and
//   pin the @backstage/* packages to the release line of backstage.json (see
//   releasePins below);
// - packages/backend: the backend plugin and the scaffolder module as
//   dependencies, and `backend.add(import(...))` for both in src/index.ts;
// - packages/app: @meshdeck/plugin-istio as a dependency; default (new
//   frontend system): nothing else, features are discovered
//   (`app.packages: all`, already in create-app's app-config.yaml); legacy:
//   EntityIstioCard in the overview, EntityIstioContent as the "Service mesh"
//   tab of service pages, IstioMeshPage at /mesh with its sidebar item, and
//   the five template field extensions inside <ScaffolderFieldExtensions> of
//   the /create route (plugins/istio/README.md).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    app: { type: 'string' },
    flavor: { type: 'string' },
    packs: { type: 'string' },
    'create-app': { type: 'string' },
    repo: { type: 'string' },
  },
});
const { app: appDir, flavor, packs: packsDir } = args;
if (
  !appDir ||
  !['default', 'legacy'].includes(flavor) ||
  !packsDir ||
  !args['create-app'] ||
  !args.repo
) {
  throw new Error(
    'usage: edit-app.mjs --app <dir> --flavor <default|legacy> --packs <dir> --create-app <dir> --repo <dir>',
  );
}

const file = rel => path.join(appDir, rel);
const readJson = rel => JSON.parse(fs.readFileSync(file(rel), 'utf8'));
const writeJson = (rel, json) =>
  fs.writeFileSync(file(rel), `${JSON.stringify(json, null, 2)}\n`);

/** Replaces the one occurrence of `anchor` in `rel` with `replace(anchor)`. */
function edit(rel, anchor, replace) {
  const text = fs.readFileSync(file(rel), 'utf8');
  const count = text.split(anchor).length - 1;
  if (count !== 1) {
    throw new Error(
      `${rel}: expected exactly one ${JSON.stringify(
        anchor,
      )} (found ${count}); has create-app's template changed?`,
    );
  }
  fs.writeFileSync(file(rel), text.replace(anchor, replace(anchor)));
}

// the packed packages, by name and version (read from the tarballs)
const packs = fs
  .readdirSync(packsDir)
  .filter(f => f.endsWith('.tgz'))
  .map(f => {
    const manifest = JSON.parse(
      execFileSync(
        'tar',
        ['-xzOf', path.join(packsDir, f), 'package/package.json'],
        {
          encoding: 'utf8',
        },
      ),
    );
    return {
      file: f,
      name: manifest.name,
      version: manifest.version,
      manifest,
    };
  });
const pack = name => {
  const found = packs.find(p => p.name === name);
  if (!found) {
    throw new Error(`no tarball of ${name} in ${packsDir}`);
  }
  return found;
};

/**
 * The @backstage/* versions of the release line: create-app's own table (the
 * exact versions its templates were written for) overlaid with the repo's
 * `resolutions` (the same release's patch versions Meshdeck is built and
 * tested with). create-app normally seeds yarn.lock from the Backstage repo's
 * main branch; without that seed (the tier reaches no git host) the templates'
 * caret ranges pull packages of later releases — e.g.
 * @backstage/plugin-signals-backend 0.3.21 needs httpRouter.addWebSocketHandler
 * of backend-defaults 0.19, and the app of create-app 0.9.2 then does not
 * start, with or without Meshdeck.
 */
function releasePins() {
  const { packageVersions } = createRequire(import.meta.url)(
    path.join(args['create-app'], 'dist/lib/versions.cjs.js'),
  );
  const repoPackage = JSON.parse(
    fs.readFileSync(path.join(args.repo, 'package.json'), 'utf8'),
  );
  const pins = {};
  for (const [name, version] of Object.entries({
    ...packageVersions,
    ...repoPackage.resolutions,
  })) {
    if (name.startsWith('@backstage/') && /^\d+\.\d+\.\d+$/.test(version)) {
      pins[name] = version;
    }
  }
  return pins;
}

fs.mkdirSync(file('meshdeck-packages'), { recursive: true });
const root = readJson('package.json');
root.resolutions = { ...root.resolutions, ...releasePins() };
for (const p of packs) {
  fs.copyFileSync(
    path.join(packsDir, p.file),
    file(`meshdeck-packages/${p.file}`),
  );
  root.resolutions[p.name] = `file:./meshdeck-packages/${p.file}`;
}
writeJson('package.json', root);

function addDependencies(rel, names) {
  const json = readJson(rel);
  for (const name of names) {
    json.dependencies[name] = `^${pack(name).version}`;
  }
  writeJson(rel, json);
}

// backend (the same in both templates)
addDependencies('packages/backend/package.json', [
  '@meshdeck/plugin-istio-backend',
  '@meshdeck/plugin-scaffolder-backend-module-istio',
]);
edit(
  'packages/backend/src/index.ts',
  'backend.start();',
  start => `// Meshdeck: mesh status of catalog entities, and the istio:* template actions
backend.add(import('@meshdeck/plugin-istio-backend'));
backend.add(import('@meshdeck/plugin-scaffolder-backend-module-istio'));

${start}`,
);

// frontend
addDependencies('packages/app/package.json', ['@meshdeck/plugin-istio']);
if (flavor === 'default') {
  // the new frontend system discovers @meshdeck/plugin-istio/alpha from the
  // app's dependencies when app.packages is `all`; create-app sets it
  const config = fs.readFileSync(file('app-config.yaml'), 'utf8');
  if (!/^\s+packages: all$/m.test(config)) {
    throw new Error(
      "app-config.yaml of create-app's default app no longer has `app.packages: all`",
    );
  }
} else {
  const entityPage = 'packages/app/src/components/catalog/EntityPage.tsx';
  edit(
    entityPage,
    "import { EmptyState } from '@backstage/core-components';",
    line => `${line}
import { EntityIstioCard, EntityIstioContent } from '@meshdeck/plugin-istio';`,
  );
  // the overview of every entity kind that uses overviewContent
  edit(
    entityPage,
    `    <Grid item md={6}>
      <EntityAboutCard />
    </Grid>
    <Grid item md={6} xs={12}>
      <EntityCatalogGraphCard height={400} />
    </Grid>`,
    cards => `${cards}
    <Grid item md={6}>
      <EntityIstioCard />
    </Grid>`,
  );
  // the "Service mesh" tab of service components, after "Kubernetes"
  const serviceStart = fs
    .readFileSync(file(entityPage), 'utf8')
    .indexOf('const serviceEntityPage = (');
  if (serviceStart < 0) {
    throw new Error(`${entityPage}: no serviceEntityPage`);
  }
  const text = fs.readFileSync(file(entityPage), 'utf8');
  const kubernetesRoute = `      <EntityKubernetesContent />
    </EntityLayout.Route>
`;
  const at = text.indexOf(kubernetesRoute, serviceStart);
  if (at < 0) {
    throw new Error(`${entityPage}: no Kubernetes tab in serviceEntityPage`);
  }
  const insertAt = at + kubernetesRoute.length;
  fs.writeFileSync(
    file(entityPage),
    `${text.slice(0, insertAt)}
    <EntityLayout.Route path="/mesh" title="Service mesh">
      <EntityIstioContent />
    </EntityLayout.Route>
${text.slice(insertAt)}`,
  );

  const app = 'packages/app/src/App.tsx';
  edit(
    app,
    "import { ScaffolderPage, scaffolderPlugin } from '@backstage/plugin-scaffolder';",
    line => `${line}
import { ScaffolderFieldExtensions } from '@backstage/plugin-scaffolder-react';
import {
  IstioMeshPage,
  MeshClusterPickerFieldExtension,
  MeshGatewayPickerFieldExtension,
  MeshHostFieldExtension,
  MeshNamespacePickerFieldExtension,
  MeshRouteApiPickerFieldExtension,
} from '@meshdeck/plugin-istio';`,
  );
  edit(
    app,
    '<Route path="/create" element={<ScaffolderPage />} />',
    () => `<Route path="/create" element={<ScaffolderPage />}>
      <ScaffolderFieldExtensions>
        <MeshClusterPickerFieldExtension />
        <MeshNamespacePickerFieldExtension />
        <MeshRouteApiPickerFieldExtension />
        <MeshGatewayPickerFieldExtension />
        <MeshHostFieldExtension />
      </ScaffolderFieldExtensions>
    </Route>`,
  );
  // the Service mesh page and its sidebar item
  edit(
    app,
    '<Route path="/api-docs" element={<ApiExplorerPage />} />',
    route => `<Route path="/mesh" element={<IstioMeshPage />} />
    ${route}`,
  );
  const root = 'packages/app/src/components/Root/Root.tsx';
  edit(
    root,
    "import MenuIcon from '@material-ui/icons/Menu';",
    line => `${line}
import DeviceHubIcon from '@material-ui/icons/DeviceHub';`,
  );
  edit(
    root,
    '<SidebarItem icon={CreateComponentIcon} to="create" text="Create..." />',
    item => `${item}
        <SidebarItem icon={DeviceHubIcon} to="mesh" text="Service mesh" />`,
  );
  // ScaffolderFieldExtensions lives in scaffolder-react, which the legacy
  // template does not list: add it in the range Meshdeck's plugin uses
  const appJson = readJson('packages/app/package.json');
  appJson.dependencies['@backstage/plugin-scaffolder-react'] ??= pack(
    '@meshdeck/plugin-istio',
  ).manifest.dependencies['@backstage/plugin-scaffolder-react'];
  writeJson('packages/app/package.json', appJson);
}

console.error(
  `[adoption] added ${packs
    .map(p => `${p.name}@${p.version}`)
    .join(', ')} to the ${flavor} app`,
);
