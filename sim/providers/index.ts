/** Every resource provider and data plane the simulator answers. */
import type { Simulator } from '../simulator.js';
import type { Route } from '../types.js';
import { appConfigurationRoutes } from './appconfig.js';
import { authorizationRoutes } from './authorization.js';
import { communicationEmailRoutes } from './communication-email.js';
import { dataShareRoutes } from './datashare.js';
import { genomicsRoutes } from './genomics.js';
import { graphRoutes } from './graph.js';
import { identityRoutes } from './identity.js';
import { insightsRoutes } from './insights.js';
import { mediaRoutes } from './media.js';
import { purviewRoutes } from './purview.js';
import { resourceHealthRoutes } from './resourcehealth.js';
import { trafficManagerRoutes } from './trafficmanager.js';

export function providerRoutes(sim: Simulator): Route[] {
  return [
    ...identityRoutes(sim),
    ...mediaRoutes(sim),
    ...dataShareRoutes(sim),
    ...resourceHealthRoutes(sim),
    ...insightsRoutes(sim),
    ...purviewRoutes(sim),
    ...genomicsRoutes(sim),
    ...trafficManagerRoutes(sim),
    ...appConfigurationRoutes(sim),
    ...graphRoutes(sim),
    ...authorizationRoutes(sim),
    ...communicationEmailRoutes(sim),
  ];
}
