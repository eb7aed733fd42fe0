// Packs pkg/ with `npm pack` (once per process) and installs the tarball into
// a scratch project, exactly as a user would get it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const outputDir = join(root, 'test-output');

let tarball;

/** The path of the packed kmsim tarball. */
export function packTarball() {
  if (tarball) return tarball;
  const dir = join(outputDir, 'pack');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: join(root, 'pkg'), stdio: ['ignore', 'pipe', 'inherit'] });
  const file = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!file) throw new Error('npm pack produced no tarball');
  tarball = join(dir, file);
  return tarball;
}

/** A fresh folder with the tarball installed (and `extra` packages linked from the repo). */
export function scratchProject(name, { type = 'module', dependencies = {} } = {}) {
  const dir = mkdtempSync(join(outputDir, `${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type, dependencies }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', packTarball()], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}
