import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The upload benchmark measures the portal with the node flags of `npm start` (docs/uploads.md); the
 * Docker image must run it with the same flags, or production is not what was measured.
 */
const ROOT = path.join(__dirname, '..', '..');

const startFlags = (): string[] => {
  const start: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/server\/main\.js/.exec(start);
  if (!match) throw new Error(`no "node ... dist/server/main.js" in the start script: ${start}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
};

const dockerFlags = (): string[] => {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  if (!cmd) throw new Error('no exec-form CMD in the Dockerfile');
  const argv: string[] = JSON.parse(cmd[1]!);
  expect(argv[0]).toBe('node');
  expect(argv[argv.length - 1]).toBe('dist/server/main.js');
  return argv.slice(1, -1);
};

describe('node flags of the server process', () => {
  it('when the Docker image starts the server, then it passes node the same flags as npm start', () => {
    expect(dockerFlags()).toEqual(startFlags());
  });

  it('when npm start runs the server, then old-generation growth is widened for streaming uploads', () => {
    expect(startFlags()).toContain('--heap-growing-percent=300');
  });
});
