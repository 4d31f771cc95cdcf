/**
 * The resources each playbook kind acts on, by role. A playbook reads `resources.account`, so a
 * misspelled or mistyped role would only surface mid-failover; the catalog check catches it at
 * deploy time instead.
 */
import type { PlaybookKind, SideName } from './types.js';

export interface RoleRule {
  /** ARM resource type, compared case-insensitively. */
  type: string;
  required: boolean;
}

export type SideRoles = Readonly<Record<string, RoleRule>>;

const MEDIA = 'Microsoft.Media/mediaservices';
const DATA_SHARE = 'Microsoft.DataShare/accounts';
const PURVIEW = 'Microsoft.Purview/accounts';
const GENOMICS = 'Microsoft.Genomics/accounts';
const STORAGE = 'Microsoft.Storage/storageAccounts';

export const TRAFFIC_MANAGER_TYPE = 'Microsoft.Network/trafficManagerProfiles';

export const ROLE_RULES: Readonly<Record<PlaybookKind, Readonly<Record<SideName, SideRoles>>>> = {
  mediaServices: {
    primary: { account: { type: MEDIA, required: true } },
    secondary: { account: { type: MEDIA, required: true } },
  },
  dataShare: {
    primary: {
      consumerAccount: { type: DATA_SHARE, required: true },
      providerAccount: { type: DATA_SHARE, required: false },
    },
    secondary: {
      consumerAccount: { type: DATA_SHARE, required: true },
      providerAccount: { type: DATA_SHARE, required: true },
    },
  },
  purview: {
    primary: { account: { type: PURVIEW, required: true } },
    secondary: { account: { type: PURVIEW, required: true } },
  },
  genomics: {
    primary: {
      account: { type: GENOMICS, required: true },
      storage: { type: STORAGE, required: false },
    },
    secondary: {
      account: { type: GENOMICS, required: true },
      storage: { type: STORAGE, required: true },
    },
  },
  // Microsoft runs the Dynamics 365 failover; the app only notifies and flips a degraded-mode flag.
  dynamics365: { primary: {}, secondary: {} },
};

/** Kinds whose workload may omit `secondary`: the provider, not us, owns the standby. */
export const PROVIDER_MANAGED: ReadonlySet<PlaybookKind> = new Set<PlaybookKind>(['dynamics365']);

export const PLAYBOOK_KINDS = Object.keys(ROLE_RULES) as PlaybookKind[];
