/**
 * Simulator time. Latencies are written in Azure seconds ("a streaming endpoint takes about two
 * minutes to start") and played back `timeScale` times faster, the same scale the local host
 * runs durable timers at, so a failover rehearsed at 60x keeps Azure's proportions.
 */
export class SimClock {
  private readonly realStart = Date.now();

  /** `start`: the host time to start at (default the real time), so a restarted local host and the simulator agree. */
  constructor(
    readonly timeScale = 1,
    private readonly start = Date.now(),
  ) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new Error(`time scale must be a positive number, got ${timeScale}`);
  }

  /** Host time in epoch milliseconds. */
  now(): number {
    return this.start + (Date.now() - this.realStart) * this.timeScale;
  }

  /** Real milliseconds a duration of `azureMs` takes at this scale. */
  real(azureMs: number): number {
    return azureMs / this.timeScale;
  }
}
