/**
 * The sending side of the webhook benchmarks (bench:intake, bench:storm), in a process of its own
 * so its CPU is not the host's: a forked script that takes `{ type: 'run', … }` jobs over IPC and
 * answers each with its result (or `{ type: 'error', message }`), until `{ type: 'exit' }`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ClientProcess<Job, Result> {
  run(job: Job): Promise<Result>;
  close(): void;
}

export function startClientProcess<Job extends object, Result>(script: URL, cwd: string): ClientProcess<Job, Result> {
  const child = fork(fileURLToPath(script), [], { cwd, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    run: (job) =>
      new Promise<Result>((resolveRun, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the client process exited (${code}) during a run`));
        child.once('exit', onExit);
        child.once('message', (message: Result | { type: 'error'; message: string }) => {
          child.off('exit', onExit);
          if ((message as { type?: unknown }).type === 'error') reject(new Error(`client: ${(message as { message: string }).message}`));
          else resolveRun(message as Result);
        });
        child.send({ type: 'run', ...job });
      }),
    close: () => {
      if (child.connected) child.send({ type: 'exit' });
    },
  };
}
