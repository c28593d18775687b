/**
 * Writes docs/permissions.md from the permission table and the route registry.
 * Usage: `npm run docs:permissions`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentedRoutes } from './permissions-routes.js';
import { renderPermissionsDoc } from '../server/auth/permissions-doc.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/permissions.md');
await writeFile(target, renderPermissionsDoc(documentedRoutes()));
process.stdout.write(`wrote ${target}\n`);
