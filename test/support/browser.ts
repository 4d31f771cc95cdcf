/**
 * Headless Chromium for the tests that drive a browser (the demo's report, the signed action
 * links), through playwright-core. Which Chromium, in this order:
 *
 *   1. `CHROMIUM_PATH`, when set: the browser you name (an error if it is not there).
 *   2. `/usr/bin/chromium`, when present: a system browser starts at once.
 *   3. `@sparticuz/chromium`, a dev dependency whose npm tarball carries the browser itself, so
 *      `npm ci` is all a bare machine needs. Its first launch on a machine unpacks it (about
 *      200 MB, a few seconds) into the temp directory, with the few shared libraries it needs
 *      (NSS, NSPR, expat) beside it; later launches reuse that copy.
 *
 * `FAILOVER_TEST_BROWSER=packaged` (or `{ prefer: 'packaged' }`) skips the first two, so the
 * packaged browser is exercised even on a machine that has a system one.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'packaged';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Quiet, offline, no sandbox (tests run as root in CI containers). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ChooseOptions {
  env?: NodeJS.ProcessEnv;
  /** 'packaged' skips CHROMIUM_PATH and the system browser; default from FAILOVER_TEST_BROWSER. */
  prefer?: 'packaged' | undefined;
  exists?: (path: string) => boolean;
}

/** Which browser to launch, without launching it: a path, or the packaged one. */
export function chooseChromium(options: ChooseOptions = {}): { source: BrowserSource; path?: string } {
  const env = options.env ?? process.env;
  const exists = options.exists ?? existsSync;
  const prefer = options.prefer ?? (env['FAILOVER_TEST_BROWSER'] === 'packaged' ? 'packaged' : undefined);
  if (env['FAILOVER_TEST_BROWSER'] !== undefined && env['FAILOVER_TEST_BROWSER'] !== '' && env['FAILOVER_TEST_BROWSER'] !== 'packaged') {
    throw new Error(`FAILOVER_TEST_BROWSER must be 'packaged' or unset, got '${env['FAILOVER_TEST_BROWSER']}'`);
  }
  if (prefer === 'packaged') return { source: 'packaged' };
  const given = env['CHROMIUM_PATH'];
  if (given !== undefined && given !== '') {
    if (!exists(given)) throw new Error(`CHROMIUM_PATH names ${given}, which does not exist; unset it to use ${SYSTEM_CHROMIUM} or the packaged Chromium`);
    return { source: 'CHROMIUM_PATH', path: given };
  }
  if (exists(SYSTEM_CHROMIUM)) return { source: 'system', path: SYSTEM_CHROMIUM };
  return { source: 'packaged' };
}

export interface TestBrowser {
  browser: Browser;
  source: BrowserSource;
  executablePath: string;
}

/** Launches headless Chromium (see the order above). Close `browser` when done. */
export async function launchChromium(options: Pick<ChooseOptions, 'prefer'> = {}): Promise<TestBrowser> {
  const choice = chooseChromium(options);
  if (choice.path !== undefined) {
    const browser = await chromium.launch({ executablePath: choice.path, args: FLAGS, headless: true });
    return { browser, source: choice.source, executablePath: choice.path };
  }
  const packaged = await unpackedChromium();
  const libraryPath = [packaged.libDir, process.env['LD_LIBRARY_PATH']].filter((p) => p !== undefined && p !== '').join(':');
  const browser = await chromium.launch({
    executablePath: packaged.executablePath,
    args: FLAGS,
    headless: true,
    env: { ...process.env, LD_LIBRARY_PATH: libraryPath },
  });
  return { browser, source: 'packaged', executablePath: packaged.executablePath };
}

/**
 * The packaged browser, unpacked once per version into `<tmp>/failover-test-chromium-<version>`.
 * It is unpacked into a directory of its own and renamed into place, so a test file running at
 * the same time (or one killed half way) never sees half a browser.
 */
async function unpackedChromium(): Promise<{ executablePath: string; libDir: string; dir: string }> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@sparticuz/chromium');
  const pkgRoot = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8')) as { version: string };
  const dir = join(tmpdir(), `failover-test-chromium-${version}`);
  const result = { executablePath: join(dir, 'chromium'), libDir: join(dir, 'al2023', 'lib'), dir };
  if (existsSync(result.executablePath)) return result;

  const { default: Packaged, inflate } = await import('@sparticuz/chromium');
  const staging = mkdtempSync(join(tmpdir(), 'failover-test-chromium-unpacking-'));
  try {
    // The package unpacks into os.tmpdir(), which reads TMPDIR: point it at the staging directory
    // while each extraction starts (its paths are fixed before its first await).
    const inStaging = <T>(start: () => Promise<T>): Promise<T> => {
      const before = process.env['TMPDIR'];
      process.env['TMPDIR'] = staging;
      try {
        return start();
      } finally {
        if (before === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = before;
      }
    };
    await inStaging(() => Packaged.executablePath());
    // On Amazon Linux the package unpacks these libraries itself.
    if (!existsSync(join(staging, 'al2023', 'lib'))) await inStaging(() => inflate(join(pkgRoot, 'bin', 'al2023.tar.br')));
    try {
      renameSync(staging, dir);
    } catch (err) {
      // Another test process unpacked it first: use theirs.
      if (!existsSync(result.executablePath)) throw err;
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return result;
}
