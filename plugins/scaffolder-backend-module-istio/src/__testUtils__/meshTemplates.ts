import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

/** The repository's `templates/` folder (tests run from the repository). */
export const TEMPLATES_DIR = path.resolve(
  resolvePackagePath('@meshdeck/plugin-scaffolder-backend-module-istio'),
  '../../templates',
);

/** Every `templates/<name>/template.yaml`, parsed. */
export function meshTemplates(): Array<{ name: string; template: any }> {
  return fs
    .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => ({
      name: d.name,
      template: yaml.parse(
        fs.readFileSync(
          path.join(TEMPLATES_DIR, d.name, 'template.yaml'),
          'utf8',
        ),
      ),
    }));
}
