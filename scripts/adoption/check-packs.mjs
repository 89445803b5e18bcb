// Checks packed tarballs the way a registry user would see them: every entry
// point the package.json names (main, module, types, exports,
// typesVersions, configSchema) is in the tarball, nothing points into src/,
// no dependency is a workspace-only reference, and a frontend plugin exports
// its new-frontend-system plugin for feature discovery.
//
//   node check-packs.mjs <folder of .tgz>
//   node check-packs.mjs <folder of .tgz> --installed <app dir>
//     (instead: the app's node_modules hold exactly these tarballs' files,
//     so that no package cached from an earlier run is tested)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const [dir, flag, appDir] = process.argv.slice(2);
if (!dir || (flag && (flag !== '--installed' || !appDir))) {
  throw new Error(
    'usage: check-packs.mjs <folder of .tgz> [--installed <app dir>]',
  );
}

if (flag) {
  let stale = false;
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.tgz'))) {
    const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'meshdeck-pack-'));
    try {
      execFileSync('tar', ['-xzf', path.join(dir, file), '-C', unpacked]);
      const root = path.join(unpacked, 'package');
      const { name } = JSON.parse(
        fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
      );
      const installed = path.join(appDir, 'node_modules', name);
      const files = fs
        .readdirSync(root, { recursive: true })
        .filter(f => fs.statSync(path.join(root, f)).isFile());
      const differ = files.filter(f => {
        const there = path.join(installed, f);
        return (
          !fs.existsSync(there) ||
          !fs.readFileSync(there).equals(fs.readFileSync(path.join(root, f)))
        );
      });
      if (differ.length) {
        stale = true;
        console.error(
          `✗ ${installed} is not ${file}: ${differ.slice(0, 5).join(', ')}`,
        );
      }
    } finally {
      fs.rmSync(unpacked, { recursive: true, force: true });
    }
  }
  if (stale) {
    process.exit(1);
  }
  console.error(`✓ the app's node_modules hold the packed @meshdeck packages`);
  process.exit(0);
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
];

/**
 * Every file target of an `exports` value, with the condition path to it
 * (the `backstage` condition is Backstage's marker of what the entry point
 * exports, not a file).
 */
function exportTargets(value, at) {
  if (typeof value === 'string') {
    return [{ at, target: value }];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([key]) => key !== 'backstage')
      .flatMap(([key, v]) => exportTargets(v, `${at} → ${key}`));
  }
  return [];
}

let failed = false;
for (const file of fs
  .readdirSync(dir)
  .filter(f => f.endsWith('.tgz'))
  .sort()) {
  const tarball = path.join(dir, file);
  const files = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(f => f.replace(/^package\//, '')),
  );
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  const problems = [];
  const has = (target, what) => {
    const rel = path.posix.normalize(target).replace(/^\.\//, '');
    if (
      rel.startsWith('src/') ||
      (/\.tsx?$/.test(rel) && !rel.endsWith('.d.ts'))
    ) {
      problems.push(`${what} points at source: ${target}`);
    } else if (!files.has(rel)) {
      problems.push(`${what} names ${target}, which is not in the tarball`);
    }
  };

  for (const field of ['main', 'module', 'types', 'browser']) {
    if (typeof manifest[field] === 'string') {
      has(manifest[field], `"${field}"`);
    }
  }
  if (manifest.configSchema && typeof manifest.configSchema === 'string') {
    has(manifest.configSchema, '"configSchema"');
  }
  for (const [subpath, value] of Object.entries(manifest.exports ?? {})) {
    const targets = exportTargets(value, `"exports" ${subpath}`);
    for (const { at, target } of targets) {
      has(target, at);
    }
    if (
      subpath !== './package.json' &&
      !targets.some(t => t.target.endsWith('.d.ts'))
    ) {
      problems.push(`"exports" ${subpath} has no types`);
    }
  }
  for (const [name, targets] of Object.entries(
    manifest.typesVersions?.['*'] ?? {},
  )) {
    for (const target of targets) {
      has(target, `"typesVersions" ${name}`);
    }
  }
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|link|portal|file):/.test(range)) {
        problems.push(
          `${field}.${name} is a workspace-only reference: ${range}`,
        );
      }
    }
  }
  if (!manifest.types && !manifest.exports?.['.']) {
    problems.push('no "types"');
  }
  if (
    manifest.backstage?.role === 'frontend-plugin' &&
    !Object.values(manifest.exports ?? {}).some(
      v =>
        v &&
        typeof v === 'object' &&
        v.backstage === '@backstage/FrontendPlugin',
    )
  ) {
    problems.push(
      'no export is marked "backstage": "@backstage/FrontendPlugin", so the new frontend system cannot discover the plugin (app.packages: all)',
    );
  }

  const size = fs.statSync(tarball).size;
  if (problems.length) {
    failed = true;
    console.error(`✗ ${manifest.name}@${manifest.version} (${file}):`);
    for (const p of problems) {
      console.error(`    ${p}`);
    }
  } else {
    console.error(
      `✓ ${manifest.name}@${manifest.version}: ${
        files.size
      } files, ${Math.round(size / 1024)} KiB`,
    );
  }
}
if (failed) {
  console.error(
    'The packed packages are not installable as published (see above).',
  );
  process.exit(1);
}
