/**
 * A reader that stops early (`failover incidents list | head -5`): the command ends quietly with
 * exit 0, nothing on stderr, whatever it was printing. Run as real processes whose standard output
 * is closed before they write, and through a shell pipe into `head -1`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { quietOnClosedPipe } from '../../cli/io.js';
import { repoRoot } from '../support/fixtures.js';

const runner = join(repoRoot, 'test/cli/run-cli.ts');
const out = mkdtempSync(join(tmpdir(), 'failover-pipe-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs the CLI with its standard output closed at once: every write it makes meets a pipe with no reader. */
function runClosed(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a closed pipe', () => {
  it.each([
    ['the help', ['--help']],
    ['catalog match, line by line', ['catalog', 'match', 'samples/catalog.yaml', 'samples/alerts/servicehealth-media-westeurope-active.json']],
    ['infra generate, many lines', ['infra', 'generate', 'samples/catalog.yaml', '--app-region', 'swedencentral', '--out', out]],
  ])('ends %s quietly, exit 0', async (_, args) => {
    const run = await runClosed(args);
    expect(run).toEqual({ code: 0, signal: null, stderr: '' });
  }, 60_000);

  it('ends a command piped into head -1 quietly, exit 0, its first line read', async () => {
    const script = `set -o pipefail; node --import tsx ${JSON.stringify(runner)} infra generate samples/catalog.yaml --app-region swedencentral --out ${JSON.stringify(out)} --json | head -1`;
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    // The "wrote …" line goes to stderr, which stays open: only it may be there.
    expect(run.stderr).toBe(`wrote ${join(out, 'catalog.json')} and ${join(out, 'manual-steps.md')} (app region swedencentral)\n`);
    expect(run).toMatchObject({ code: 0, stdout: '{\n' });
  }, 60_000);

  it('is told from other write errors, which are not hidden', () => {
    const codes: number[] = [];
    const stream = new PassThrough();
    quietOnClosedPipe(stream, (code) => codes.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(codes).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))).toThrow('no space left on device');
    expect(codes).toEqual([0]);
  });
});
