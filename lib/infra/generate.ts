/**
 * `failover infra generate`: everything a catalog implies for Azure, so infrastructure and
 * catalog never drift: the alert rules that send the app its alerts, the action group they call,
 * the least-privilege grants the playbooks need, and the grants ARM cannot make, as steps.
 * Nothing is written when a problem is found: a half-right template would deploy.
 */
import type { Catalog } from '../catalog/types.js';
import { catalogAlertRules, type AlertRule, type RuleProblem } from './alert-rules.js';
import { catalogGrants, type CustomRole, type Grant } from './grants.js';
import { lintTemplate, type LintFinding } from './lint.js';
import { manualSteps, type ManualStep } from './manual-steps.js';
import { buildTemplate, type JsonObject, type SecureWebhook } from './template.js';

export interface GenerateOptions {
  /** Forward Service Health advisories too (the app notifies on them). Default false. */
  advisories?: boolean;
  /** Entra authentication on the webhook (the action group's token) besides the function key; null: the key alone. */
  secureWebhook?: SecureWebhook | null;
  actionGroupName?: string;
}

export interface GeneratedInfra {
  template: JsonObject;
  rules: AlertRule[];
  grants: Grant[];
  customRoles: CustomRole[];
  manualSteps: ManualStep[];
  /** Catalog facts that stop generation, with their catalog path. */
  problems: RuleProblem[];
  /** This app's own rules over the template (./lint.ts). */
  findings: LintFinding[];
}

export const DEFAULT_ACTION_GROUP = 'failover-orchestrator';

export function generateInfra(catalog: Catalog, options: GenerateOptions = {}): GeneratedInfra {
  const { rules, problems } = catalogAlertRules(catalog, { advisories: options.advisories ?? false });
  const { grants, customRoles } = catalogGrants(catalog);
  const template = buildTemplate({
    rules,
    grants,
    customRoles,
    actionGroupName: options.actionGroupName ?? DEFAULT_ACTION_GROUP,
    secureWebhook: options.secureWebhook ?? null,
    catalogSource: catalog.source,
  });
  return { template, rules, grants, customRoles, manualSteps: manualSteps(catalog), problems, findings: lintTemplate(template) };
}
