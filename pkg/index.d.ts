// Types for kmsim: AWS SDK v3 request/response shapes (PascalCase members,
// Uint8Array blobs, Date timestamps). Errors are thrown as `Error`s whose
// `name` is the AWS exception name (`NotFoundException`, …), with `$fault`
// and `$metadata.httpStatusCode` as the AWS SDK v3 sets them.

export type EncryptionContext = Record<string, string>;
export type Blob = Uint8Array;

export interface Tag { TagKey: string; TagValue: string }

export interface KeyMetadata {
  AWSAccountId: string;
  KeyId: string;
  Arn: string;
  CreationDate: Date;
  Enabled: boolean;
  Description: string;
  KeyUsage: 'ENCRYPT_DECRYPT' | string;
  KeyState: 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'Unavailable';
  DeletionDate?: Date;
  ValidTo?: Date;
  Origin: 'AWS_KMS' | 'EXTERNAL';
  ExpirationModel?: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  KeyManager: 'CUSTOMER' | 'AWS';
  CustomerMasterKeySpec: string;
  KeySpec: 'SYMMETRIC_DEFAULT' | string;
  EncryptionAlgorithms: string[];
  MultiRegion: boolean;
  PendingDeletionWindowInDays?: number;
}

export interface CreateKeyInput {
  Policy?: string;
  Description?: string;
  KeyUsage?: 'ENCRYPT_DECRYPT';
  KeySpec?: 'SYMMETRIC_DEFAULT';
  CustomerMasterKeySpec?: 'SYMMETRIC_DEFAULT';
  Origin?: 'AWS_KMS' | 'EXTERNAL';
  BypassPolicyLockoutSafetyCheck?: boolean;
  Tags?: Tag[];
}
export interface KeyMetadataOutput { KeyMetadata: KeyMetadata }
export interface KeyIdInput { KeyId: string; GrantTokens?: string[] }
export interface ListKeysInput { Limit?: number; Marker?: string }
export interface ListKeysOutput { Keys: { KeyId: string; KeyArn: string }[]; NextMarker?: string; Truncated: boolean }
export interface ScheduleKeyDeletionInput { KeyId: string; PendingWindowInDays?: number }
export interface ScheduleKeyDeletionOutput { KeyId: string; DeletionDate: Date; KeyState: string; PendingWindowInDays: number }
export interface AliasInput { AliasName: string; TargetKeyId: string }
export interface AliasListEntry { AliasName: string; AliasArn: string; TargetKeyId: string; CreationDate: Date; LastUpdatedDate: Date }
export interface ListAliasesInput { KeyId?: string; Limit?: number; Marker?: string }
export interface ListAliasesOutput { Aliases: AliasListEntry[]; NextMarker?: string; Truncated: boolean }
export interface EncryptInput {
  KeyId: string;
  Plaintext: Uint8Array | string;
  EncryptionContext?: EncryptionContext;
  GrantTokens?: string[];
  EncryptionAlgorithm?: 'SYMMETRIC_DEFAULT';
  DryRun?: boolean;
}
export interface EncryptOutput { CiphertextBlob: Uint8Array; KeyId: string; EncryptionAlgorithm: string }
export interface DecryptInput {
  CiphertextBlob: Uint8Array;
  EncryptionContext?: EncryptionContext;
  GrantTokens?: string[];
  KeyId?: string;
  EncryptionAlgorithm?: 'SYMMETRIC_DEFAULT';
  DryRun?: boolean;
}
export interface DecryptOutput { KeyId: string; Plaintext: Uint8Array; EncryptionAlgorithm: string }
export interface ReEncryptInput {
  CiphertextBlob: Uint8Array;
  SourceEncryptionContext?: EncryptionContext;
  SourceKeyId?: string;
  DestinationKeyId: string;
  DestinationEncryptionContext?: EncryptionContext;
  GrantTokens?: string[];
  DryRun?: boolean;
}
export interface ReEncryptOutput {
  CiphertextBlob: Uint8Array; SourceKeyId: string; KeyId: string;
  SourceEncryptionAlgorithm: string; DestinationEncryptionAlgorithm: string;
}
export interface GenerateDataKeyInput {
  KeyId: string;
  EncryptionContext?: EncryptionContext;
  NumberOfBytes?: number;
  KeySpec?: 'AES_256' | 'AES_128';
  GrantTokens?: string[];
  DryRun?: boolean;
}
export interface GenerateDataKeyOutput { CiphertextBlob: Uint8Array; Plaintext: Uint8Array; KeyId: string }
export interface GenerateDataKeyWithoutPlaintextOutput { CiphertextBlob: Uint8Array; KeyId: string }
export interface GenerateRandomInput { NumberOfBytes: number }
export interface GenerateRandomOutput { Plaintext: Uint8Array }

/** KMS, with the AWS SDK v3 shapes; every method throws AWS-named errors. */
export interface KmsClient {
  createKey(input?: CreateKeyInput): KeyMetadataOutput;
  describeKey(input: KeyIdInput): KeyMetadataOutput;
  listKeys(input?: ListKeysInput): ListKeysOutput;
  enableKey(input: { KeyId: string }): Record<string, never>;
  disableKey(input: { KeyId: string }): Record<string, never>;
  scheduleKeyDeletion(input: ScheduleKeyDeletionInput): ScheduleKeyDeletionOutput;
  cancelKeyDeletion(input: { KeyId: string }): { KeyId: string };
  updateKeyDescription(input: { KeyId: string; Description: string }): Record<string, never>;
  createAlias(input: AliasInput): Record<string, never>;
  updateAlias(input: AliasInput): Record<string, never>;
  deleteAlias(input: { AliasName: string }): Record<string, never>;
  listAliases(input?: ListAliasesInput): ListAliasesOutput;
  encrypt(input: EncryptInput): EncryptOutput;
  decrypt(input: DecryptInput): DecryptOutput;
  reEncrypt(input: ReEncryptInput): ReEncryptOutput;
  generateDataKey(input: GenerateDataKeyInput): GenerateDataKeyOutput;
  generateDataKeyWithoutPlaintext(input: GenerateDataKeyInput): GenerateDataKeyWithoutPlaintextOutput;
  generateRandom(input: GenerateRandomInput): GenerateRandomOutput;
  /** Every other implemented operation, by its camelCase name. */
  [operation: string]: (input?: any) => any;
}

/** One CloudTrail-shaped audit record. */
export interface AuditEvent {
  eventVersion: string;
  eventId: string;
  /** Milliseconds since the epoch (simulated time). */
  eventTime: number;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  userIdentity: { type: string; arn?: string; accountId?: string; accessKeyId?: string; invokedBy?: string };
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: unknown;
  responseElements: unknown;
  resources: { ARN: string; accountId: string; type: string }[];
  errorCode?: string;
  errorMessage?: string;
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  readOnly: boolean;
  recipientAccountId: string;
  eventCategory: string;
}

export interface AuditQuery {
  startTime?: Date | number;
  endTime?: Date | number;
  eventName?: string;
  eventSource?: string;
  /** A resource ARN or a key id. */
  resource?: string;
  /** A principal ARN. */
  principal?: string;
  failed?: boolean;
  maxResults?: number;
}

export interface CallerOptions {
  /** A principal ARN: `arn:aws:iam::<acct>:root`, `…:user/<name>`, `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  principal?: string;
  /** An account id: that account's root. */
  account?: string;
  region?: string;
  sourceIp?: string;
  secureTransport?: boolean;
  mfaPresent?: boolean;
}

export interface Simulator {
  readonly kms: KmsClient;
  readonly clock: {
    now(): Date;
    set(when: Date | number): void;
    advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number }): void;
  };
  readonly audit: { events(query?: AuditQuery): AuditEvent[]; clear(): void };
  /** The same simulated cloud, called as another principal or from another region. */
  as(caller: CallerOptions): Simulator;
  /** Any operation by service signing name (`kms`) and AWS operation name (`Encrypt`). */
  call(service: string, operation: string, input?: object): any;
  /** AWS JSON 1.1 in and out, unconverted. */
  callJson(service: string, operation: string, json: string): string;
  exportSnapshot(): string;
  importSnapshot(snapshot: string | object): void;
}

export interface SimulatorOptions {
  /** Makes ids, key material and ciphertexts reproducible. */
  seed?: string | number;
  /** Start time; a seeded simulator without one starts at 2025-01-01T00:00:00Z. */
  now?: Date | number;
  /** Follow the host clock (default: true unless seed or now is given). */
  liveClock?: boolean;
  /** Audit events kept (default 10,000). */
  auditCapacity?: number;
}

export function createSimulator(options?: SimulatorOptions): Simulator;
export function version(): string;
export function operations(service: string): string[];
declare const api: { createSimulator: typeof createSimulator; version: typeof version; operations: typeof operations };
export default api;

// --- Policy engine (sim.policy) ---

/** One step or per-policy-type result of an explained decision. */
export interface PolicyDecision {
  outcome: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  decidedBy: string | null;
  reason: string;
  crossAccount: boolean;
  policies: Array<{ policyType: string; outcome: string; matched: object[]; failedConditions: object[]; note?: string | null }>;
  path: Array<{ node: string; answer: string; note: string }>;
}

/** A validator finding. */
export interface PolicyDiagnostic {
  severity: 'Error' | 'Warning' | 'Suggestion';
  code: string;
  message: string;
  statementIndex: number | null;
  [field: string]: unknown;
}

export type PolicyKind =
  | 'identity' | 'resource' | 'keyPolicy' | 'serviceControl' | 'resourceControl' | 'permissionsBoundary' | 'session' | 'trust';

export interface PolicyApi {
  /** Replaces the IAM world with a world document (object or JSON text). */
  loadWorld(world: object | string): void;
  /** SimulatePrincipalPolicy-style batch (a SimulationRequest: `{ call, actions, resources?, context?, now? }`). */
  simulate(request: object | string): Array<{ action: string; resource: string; evalDecision: string; decision: PolicyDecision }>;
  /** Why this simulator's caller may or may not do `action` on `resource` (stored key policies, grants, secret policies count). */
  explain(action: string, resource: string, context?: Record<string, string | string[] | boolean | number>): PolicyDecision;
  /** Findings for policy text used as `kind` (default `identity`). */
  validate(policy: object | string, kind?: PolicyKind): PolicyDiagnostic[];
}

export interface Simulator {
  /** The policy engine: IAM world, simulation, explanations, validation. */
  readonly policy: PolicyApi;
}
