// Where the project's own files are, whether running from src/ (tests) or dist/src/ (npm start).
import fs from 'node:fs';
import path from 'node:path';

function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = projectRoot();
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'data', 'migrations');
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
export const LETTER_PARTIALS_DIR = path.join(TEMPLATES_DIR, 'letters');
