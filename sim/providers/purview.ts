/** Not yet simulated: answers nothing (the simulator returns 404 for these paths). */
import type { Simulator } from '../simulator.js';
import type { Route } from '../types.js';

export function purviewRoutes(_sim: Simulator): Route[] {
  return [];
}
