import { readFileSync } from 'node:fs';

/** Source text of one of the bundled example contracts. */
export function exampleSource(name: 'token' | 'voting' | 'auction' | 'multisig'): string {
  return readFileSync(new URL(`./examples/${name}.js`, import.meta.url), 'utf8');
}
