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
/**
 * `CiphertextBlob`s of `encrypt` and `generateDataKey` may be views into a
 * shared slab holding only other ciphertexts (as the AWS SDK's own blobs in
 * Node are views into Buffer's pool): use `byteOffset`/`byteLength`, not the
 * whole `.buffer`. Plaintexts always own their memory.
 */
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
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SsmClient;
  /** Simulated databases: rotation targets for the built-in database rotation. */
  readonly databases: DatabasesApi;
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

// ---- Envelope encryption (AWS Encryption SDK message format v2) ----

/** A keyring made by `sim.envelope` (raw AES, KMS through the simulator, or multi). */
export interface EnvelopeKeyring { readonly kind: 'raw-aes' | 'kms' | 'multi' }
/** A caching cryptographic materials manager in front of a keyring. */
export interface CachingMaterialsManager {
  readonly kind: 'caching-cmm';
  stats(): { encryptHits: number; encryptMisses: number; decryptHits: number; decryptMisses: number };
}
export type KeyringOrCmm = EnvelopeKeyring | CachingMaterialsManager;
/** `'platform'` (default): node:crypto frames in Node, wasm elsewhere; `'wasm'`: the pure-Rust AES-GCM. */
export type FrameCipherChoice = 'platform' | 'wasm';
export interface EnvelopeMessageHeader {
  version: 2;
  suiteId: 0x0478 | 0x0578;
  messageId: Uint8Array;
  encryptionContext: EncryptionContext;
  encryptedDataKeys: { providerId: string; providerInfo: string; rawInfo: Uint8Array; encryptedDataKey: Uint8Array }[];
  contentType: 2;
  frameLength: number;
}
export interface EnvelopeEncryptOptions {
  encryptionContext?: EncryptionContext;
  /** 0x0478 (default, committing) or 0x0578 (committing + ECDSA P-384). */
  suiteId?: 0x0478 | 0x0578;
  /** Plaintext bytes per frame (default 4096, at most 2^31 - 1). */
  frameLength?: number;
  cipher?: FrameCipherChoice;
}
export interface EnvelopeDecryptOptions {
  /** Refuse messages declaring longer frames (default 2^31 - 1); bounds streaming memory. */
  maxFrameLength?: number;
  maxEncryptedDataKeys?: number;
  cipher?: FrameCipherChoice;
}
export interface Progress { bytesDone: number; totalBytes?: number }
export interface EnvelopeStreamEncryptOptions extends EnvelopeEncryptOptions {
  /** Needed for the caching CMM to cache; more input than this is an error. */
  plaintextLength?: number;
  onProgress?(progress: Progress): void;
}
export interface EnvelopeStreamDecryptOptions extends EnvelopeDecryptOptions {
  totalBytes?: number;
  onProgress?(progress: Progress): void;
}
/** A Node `stream.Transform` (typed structurally so the types need no @types/node). */
export interface NodeTransform { pipe<T>(destination: T, options?: { end?: boolean }): T; on(event: string, listener: (...args: any[]) => void): this }
/** Incremental encryptor / decryptor: `update` as data arrives, then `finish`. */
export interface EnvelopeIncremental {
  update(chunk: Uint8Array): Uint8Array;
  finish(): Uint8Array;
  messageHeader(): EnvelopeMessageHeader | undefined;
  abort(): void;
}
export interface Envelope {
  rawAesKeyring(options: { keyNamespace: string; keyName: string; wrappingKey: Uint8Array }): EnvelopeKeyring;
  /** KMS calls go through this simulator as this facade's caller (policies, key states, audit). */
  kmsKeyring(options: { generatorKeyId?: string; keyIds?: string[]; grantTokens?: string[]; discovery?: boolean }): EnvelopeKeyring;
  multiKeyring(options: { generator?: EnvelopeKeyring; children?: EnvelopeKeyring[] }): EnvelopeKeyring;
  /** `maxAge` in milliseconds of simulated time, like the JS ESDK. */
  cachingMaterialsManager(keyring: EnvelopeKeyring, options: {
    maxAge: number; maxMessagesEncrypted?: number; maxBytesEncrypted?: number; partition?: string; capacity?: number;
  }): CachingMaterialsManager;
  encrypt(keyringOrCmm: KeyringOrCmm, plaintext: Uint8Array | string, options?: EnvelopeEncryptOptions):
    { result: Uint8Array; messageHeader: EnvelopeMessageHeader };
  decrypt(keyringOrCmm: KeyringOrCmm, message: Uint8Array, options?: EnvelopeDecryptOptions):
    { plaintext: Uint8Array; messageHeader: EnvelopeMessageHeader };
  encryptor(keyringOrCmm: KeyringOrCmm, options?: EnvelopeStreamEncryptOptions): EnvelopeIncremental;
  decryptor(keyringOrCmm: KeyringOrCmm, options?: EnvelopeDecryptOptions): EnvelopeIncremental;
  encryptStream(keyringOrCmm: KeyringOrCmm, options?: EnvelopeStreamEncryptOptions): TransformStream<Uint8Array, Uint8Array>;
  /** For 0x0578, frames are emitted before the signature is checked; the stream errors if it fails. */
  decryptStream(keyringOrCmm: KeyringOrCmm, options?: EnvelopeStreamDecryptOptions): TransformStream<Uint8Array, Uint8Array>;
  /** Node entry only: a `stream.Transform`. */
  encryptNodeStream(keyringOrCmm: KeyringOrCmm, options?: EnvelopeStreamEncryptOptions): NodeTransform;
  /** Node entry only: a `stream.Transform`. */
  decryptNodeStream(keyringOrCmm: KeyringOrCmm, options?: EnvelopeStreamDecryptOptions): NodeTransform;
  /** `'node:crypto'` when the Node entry registered it, else `'wasm'`. */
  readonly platformCipher: 'node:crypto' | 'wasm';
}
export interface Simulator {
  /** Envelope encryption in the AWS Encryption SDK message format. */
  envelope: Envelope;
}

// ---------------------------------------------------------------------------
// Secrets Manager (AWS SDK v3 shapes)

/** A Secrets Manager or Parameter Store tag. */
export interface ResourceTag { Key: string; Value: string }
export interface RotationRules { AutomaticallyAfterDays?: number; Duration?: string; ScheduleExpression?: string }
export interface ReplicaRegion { Region: string; KmsKeyId?: string }
export interface ReplicationStatus { Region: string; KmsKeyId?: string; Status: 'InSync' | 'Failed' | 'InProgress' | string; StatusMessage?: string; LastAccessedDate?: Date }
export interface SecretsFilter { Key: 'description' | 'name' | 'tag-key' | 'tag-value' | 'primary-region' | 'owning-service' | 'all' | string; Values: string[] }

export interface CreateSecretInput {
  Name: string;
  ClientRequestToken?: string;
  Description?: string;
  KmsKeyId?: string;
  SecretBinary?: Uint8Array | string;
  SecretString?: string;
  Tags?: ResourceTag[];
  AddReplicaRegions?: ReplicaRegion[];
  ForceOverwriteReplicaSecret?: boolean;
}
export interface CreateSecretOutput { ARN: string; Name: string; VersionId?: string; ReplicationStatus?: ReplicationStatus[] }
export interface SecretIdInput { SecretId: string }
export interface SecretRefOutput { ARN: string; Name: string }
export interface GetSecretValueInput { SecretId: string; VersionId?: string; VersionStage?: string }
export interface GetSecretValueOutput {
  ARN: string;
  Name: string;
  VersionId: string;
  SecretBinary?: Uint8Array;
  SecretString?: string;
  VersionStages: string[];
  CreatedDate: Date;
}
export interface BatchGetSecretValueInput { SecretIdList?: string[]; Filters?: SecretsFilter[]; MaxResults?: number; NextToken?: string }
export interface BatchGetSecretValueOutput {
  SecretValues: GetSecretValueOutput[];
  Errors: { SecretId: string; ErrorCode: string; Message: string }[];
  NextToken?: string;
}
export interface PutSecretValueInput {
  SecretId: string;
  ClientRequestToken?: string;
  SecretBinary?: Uint8Array | string;
  SecretString?: string;
  VersionStages?: string[];
  RotationToken?: string;
}
export interface PutSecretValueOutput { ARN: string; Name: string; VersionId: string; VersionStages: string[] }
export interface UpdateSecretInput {
  SecretId: string;
  ClientRequestToken?: string;
  Description?: string;
  KmsKeyId?: string;
  SecretBinary?: Uint8Array | string;
  SecretString?: string;
}
export interface UpdateSecretOutput { ARN: string; Name: string; VersionId?: string }
export interface SecretDescription {
  ARN: string;
  Name: string;
  Description?: string;
  KmsKeyId?: string;
  RotationEnabled?: boolean;
  RotationLambdaARN?: string;
  RotationRules?: RotationRules;
  LastRotatedDate?: Date;
  LastChangedDate?: Date;
  LastAccessedDate?: Date;
  DeletedDate?: Date;
  NextRotationDate?: Date;
  Tags?: ResourceTag[];
  /** DescribeSecret: version id → staging labels. */
  VersionIdsToStages?: Record<string, string[]>;
  /** ListSecrets: version id → staging labels. */
  SecretVersionsToStages?: Record<string, string[]>;
  CreatedDate?: Date;
  PrimaryRegion?: string;
  ReplicationStatus?: ReplicationStatus[];
}
export type DescribeSecretOutput = SecretDescription;
export interface ListSecretsInput {
  IncludePlannedDeletion?: boolean;
  MaxResults?: number;
  NextToken?: string;
  Filters?: SecretsFilter[];
  SortOrder?: 'asc' | 'desc';
}
export interface ListSecretsOutput { SecretList: SecretDescription[]; NextToken?: string }
export interface ListSecretVersionIdsInput { SecretId: string; MaxResults?: number; NextToken?: string; IncludeDeprecated?: boolean }
export interface SecretVersionsListEntry { VersionId: string; VersionStages: string[]; LastAccessedDate?: Date; CreatedDate: Date; KmsKeyIds?: string[] }
export interface ListSecretVersionIdsOutput { Versions: SecretVersionsListEntry[]; NextToken?: string; ARN: string; Name: string }
export interface UpdateSecretVersionStageInput { SecretId: string; VersionStage: string; RemoveFromVersionId?: string; MoveToVersionId?: string }
export interface RotateSecretInput {
  SecretId: string;
  ClientRequestToken?: string;
  RotationLambdaARN?: string;
  RotationRules?: RotationRules;
  RotateImmediately?: boolean;
}
export interface RotateSecretOutput { ARN: string; Name: string; VersionId?: string }
export interface DeleteSecretInput { SecretId: string; RecoveryWindowInDays?: number; ForceDeleteWithoutRecovery?: boolean }
export interface DeleteSecretOutput { ARN: string; Name: string; DeletionDate: Date }
export interface SecretsTagResourceInput { SecretId: string; Tags: ResourceTag[] }
export interface SecretsUntagResourceInput { SecretId: string; TagKeys: string[] }
export interface PutResourcePolicyInput { SecretId: string; ResourcePolicy: string; BlockPublicPolicy?: boolean }
export interface GetResourcePolicyOutput { ARN: string; Name: string; ResourcePolicy?: string }
export interface ValidateResourcePolicyInput { SecretId?: string; ResourcePolicy: string }
export interface ValidateResourcePolicyOutput { PolicyValidationPassed: boolean; ValidationErrors: { CheckName: string; ErrorMessage: string }[] }
export interface GetRandomPasswordInput {
  PasswordLength?: number;
  ExcludeCharacters?: string;
  ExcludeNumbers?: boolean;
  ExcludePunctuation?: boolean;
  ExcludeUppercase?: boolean;
  ExcludeLowercase?: boolean;
  IncludeSpace?: boolean;
  RequireEachIncludedType?: boolean;
}
export interface ReplicateSecretToRegionsInput { SecretId: string; AddReplicaRegions: ReplicaRegion[]; ForceOverwriteReplicaSecret?: boolean }
export interface ReplicationOutput { ARN: string; ReplicationStatus: ReplicationStatus[] }

/** The event a rotation function receives for each step, as a rotation Lambda does. */
export interface RotationEvent {
  /** The secret's ARN. */
  SecretId: string;
  /** The id of the version being rotated in (AWSPENDING). */
  ClientRequestToken: string;
  Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}
/**
 * A rotation function: runs synchronously (no Promise), once per step. `sim`
 * is the simulator that owns the secret; while the function runs, its calls
 * are made as the function's execution role
 * (`arn:aws:sts::<acct>:assumed-role/<name>-rotation-role/<name>`). Throwing
 * fails the step: AWSCURRENT stays, AWSPENDING lingers, the audit trail
 * records `RotationFailed`. Clock, snapshot, audit and `as()` calls are not
 * available inside it.
 */
export type RotationFunction = (event: RotationEvent, sim: Simulator) => void;

export interface SecretsManagerClient {
  createSecret(input: CreateSecretInput): CreateSecretOutput;
  getSecretValue(input: GetSecretValueInput): GetSecretValueOutput;
  batchGetSecretValue(input: BatchGetSecretValueInput): BatchGetSecretValueOutput;
  putSecretValue(input: PutSecretValueInput): PutSecretValueOutput;
  updateSecret(input: UpdateSecretInput): UpdateSecretOutput;
  describeSecret(input: SecretIdInput): DescribeSecretOutput;
  listSecrets(input?: ListSecretsInput): ListSecretsOutput;
  listSecretVersionIds(input: ListSecretVersionIdsInput): ListSecretVersionIdsOutput;
  updateSecretVersionStage(input: UpdateSecretVersionStageInput): SecretRefOutput;
  /** Runs the rotation function synchronously; its failures are recorded, not thrown (as AWS's asynchronous rotation). */
  rotateSecret(input: RotateSecretInput): RotateSecretOutput;
  cancelRotateSecret(input: SecretIdInput): RotateSecretOutput;
  deleteSecret(input: DeleteSecretInput): DeleteSecretOutput;
  restoreSecret(input: SecretIdInput): SecretRefOutput;
  tagResource(input: SecretsTagResourceInput): Record<string, never>;
  untagResource(input: SecretsUntagResourceInput): Record<string, never>;
  putResourcePolicy(input: PutResourcePolicyInput): SecretRefOutput;
  getResourcePolicy(input: SecretIdInput): GetResourcePolicyOutput;
  deleteResourcePolicy(input: SecretIdInput): SecretRefOutput;
  validateResourcePolicy(input: ValidateResourcePolicyInput): ValidateResourcePolicyOutput;
  getRandomPassword(input?: GetRandomPasswordInput): { RandomPassword: string };
  replicateSecretToRegions(input: ReplicateSecretToRegionsInput): ReplicationOutput;
  removeRegionsFromReplication(input: { SecretId: string; RemoveReplicaRegions: string[] }): ReplicationOutput;
  stopReplicationToReplica(input: SecretIdInput): { ARN: string };
  /** Registers a rotation function under a Lambda ARN (`arn:aws:lambda:<region>:<acct>:function:<name>`). */
  registerRotationFunction(lambdaArn: string, fn: RotationFunction): void;
  /** Registers the built-in rotation for simulated databases under a Lambda ARN. */
  registerDatabaseRotation(lambdaArn: string, strategy?: 'singleUser' | 'alternatingUsers'): void;
  /** Removes a rotation function; true when there was one. RotateSecret then fails with AccessDeniedException. */
  unregisterRotationFunction(lambdaArn: string): boolean;
}

/** A simulated database as seen from outside (no passwords). */
export interface SimulatedDatabase {
  host: string;
  engine: string;
  users: string[];
  masterUser: string;
  logins: number;
  failedLogins: number;
}
export interface DatabasesApi {
  /** Creates (or replaces) a database with one superuser. */
  create(input: { host: string; engine?: string; username: string; password: string }): void;
  /** Tries to log in (counted in `logins` / `failedLogins`). */
  login(input: { host: string; username: string; password: string }): boolean;
  /** As `loginUsername`, sets `username`'s password (creating the user). Only the superuser may manage others. */
  setPassword(input: { host: string; loginUsername: string; loginPassword: string; username: string; password: string }): void;
  get(host: string): SimulatedDatabase | undefined;
}

// ---------------------------------------------------------------------------
// Systems Manager Parameter Store (AWS SDK v3 shapes)

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type ParameterTier = 'Standard' | 'Advanced' | 'Intelligent-Tiering';
export interface Parameter {
  Name: string;
  Type: ParameterType;
  Value: string;
  Version: number;
  Selector?: string;
  LastModifiedDate: Date;
  ARN: string;
  DataType: string;
}
export interface ParameterInlinePolicy { PolicyText: string; PolicyType: string; PolicyStatus: string }
export interface PutParameterInput {
  Name: string;
  Description?: string;
  Value: string;
  Type?: ParameterType;
  KeyId?: string;
  Overwrite?: boolean;
  AllowedPattern?: string;
  Tags?: ResourceTag[];
  Tier?: ParameterTier;
  Policies?: string;
  DataType?: 'text' | 'aws:ec2:image' | 'aws:ssm:integration' | string;
}
export interface PutParameterOutput { Version: number; Tier: ParameterTier }
export interface GetParameterInput { Name: string; WithDecryption?: boolean }
export interface GetParameterOutput { Parameter: Parameter }
export interface GetParametersInput { Names: string[]; WithDecryption?: boolean }
export interface GetParametersOutput { Parameters: Parameter[]; InvalidParameters: string[] }
export interface ParameterStringFilter { Key: string; Option?: 'Equals' | 'BeginsWith' | 'Recursive' | 'OneLevel' | string; Values?: string[] }
export interface GetParametersByPathInput {
  Path: string;
  Recursive?: boolean;
  ParameterFilters?: ParameterStringFilter[];
  WithDecryption?: boolean;
  MaxResults?: number;
  NextToken?: string;
}
export interface GetParametersByPathOutput { Parameters: Parameter[]; NextToken?: string }
export interface DeleteParametersOutput { DeletedParameters: string[]; InvalidParameters: string[] }
export interface ParameterMetadata {
  Name: string;
  ARN: string;
  Type: ParameterType;
  KeyId?: string;
  LastModifiedDate: Date;
  LastModifiedUser: string;
  Description?: string;
  AllowedPattern?: string;
  Version: number;
  Tier: ParameterTier;
  Policies: ParameterInlinePolicy[];
  DataType: string;
}
export interface DescribeParametersInput {
  Filters?: { Key: 'Name' | 'Type' | 'KeyId'; Values: string[] }[];
  ParameterFilters?: ParameterStringFilter[];
  MaxResults?: number;
  NextToken?: string;
}
export interface DescribeParametersOutput { Parameters: ParameterMetadata[]; NextToken?: string }
export interface ParameterHistory extends Omit<ParameterMetadata, 'ARN'> { Value: string; Labels: string[] }
export interface GetParameterHistoryInput { Name: string; WithDecryption?: boolean; MaxResults?: number; NextToken?: string }
export interface GetParameterHistoryOutput { Parameters: ParameterHistory[]; NextToken?: string }
export interface LabelParameterVersionInput { Name: string; ParameterVersion?: number; Labels: string[] }
export interface SsmTagsInput { ResourceType: 'Parameter' | string; ResourceId: string }

export interface SsmClient {
  putParameter(input: PutParameterInput): PutParameterOutput;
  getParameter(input: GetParameterInput): GetParameterOutput;
  getParameters(input: GetParametersInput): GetParametersOutput;
  getParametersByPath(input: GetParametersByPathInput): GetParametersByPathOutput;
  deleteParameter(input: { Name: string }): Record<string, never>;
  deleteParameters(input: { Names: string[] }): DeleteParametersOutput;
  describeParameters(input?: DescribeParametersInput): DescribeParametersOutput;
  getParameterHistory(input: GetParameterHistoryInput): GetParameterHistoryOutput;
  labelParameterVersion(input: LabelParameterVersionInput): { InvalidLabels: string[]; ParameterVersion: number };
  unlabelParameterVersion(input: { Name: string; ParameterVersion: number; Labels: string[] }): { RemovedLabels: string[]; InvalidLabels: string[] };
  addTagsToResource(input: SsmTagsInput & { Tags: ResourceTag[] }): Record<string, never>;
  removeTagsFromResource(input: SsmTagsInput & { TagKeys: string[] }): Record<string, never>;
  listTagsForResource(input: SsmTagsInput): { TagList: ResourceTag[] };
}

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

// ---------------------------------------------------------------------------
// Envelope encryption: platform ciphers for the asynchronous API, required
// encryption context on decrypt (merged into the declarations above).

/**
 * For the asynchronous API (`encryptAsync`, `decryptAsync`, Web streams): `'platform'` (default) is
 * node:crypto in Node, else WebCrypto (`crypto.subtle`, secure contexts only), else wasm;
 * `'webcrypto'` requires WebCrypto; `'wasm'` the pure-Rust AES-GCM. Every choice writes the same bytes.
 */
export type AsyncFrameCipherChoice = FrameCipherChoice | 'webcrypto';
export interface EnvelopeDecryptOptions {
  /**
   * Pairs that must be in the message's encryption context with these values (like the ESDK's
   * required encryption context); otherwise decrypt throws `InvalidCiphertextException` naming the
   * first missing or different key, before any KMS call and before any plaintext.
   */
  expectedContext?: EncryptionContext;
}
export interface EnvelopeAsyncEncryptOptions extends Omit<EnvelopeEncryptOptions, 'cipher'> { cipher?: AsyncFrameCipherChoice }
export interface EnvelopeAsyncDecryptOptions extends Omit<EnvelopeDecryptOptions, 'cipher'> { cipher?: AsyncFrameCipherChoice }
export interface EnvelopeAsyncStreamEncryptOptions extends Omit<EnvelopeStreamEncryptOptions, 'cipher'> { cipher?: AsyncFrameCipherChoice }
export interface EnvelopeAsyncStreamDecryptOptions extends Omit<EnvelopeStreamDecryptOptions, 'cipher'> { cipher?: AsyncFrameCipherChoice }
export interface Envelope {
  /** One-shot encrypt that may seal frames with WebCrypto (browsers) or node:crypto (Node). */
  encryptAsync(keyringOrCmm: KeyringOrCmm, plaintext: Uint8Array | string, options?: EnvelopeAsyncEncryptOptions):
    Promise<{ result: Uint8Array; messageHeader: EnvelopeMessageHeader }>;
  /** One-shot decrypt that may open frames with WebCrypto / node:crypto; resolves only if the whole message verified. */
  decryptAsync(keyringOrCmm: KeyringOrCmm, message: Uint8Array, options?: EnvelopeAsyncDecryptOptions):
    Promise<{ plaintext: Uint8Array; messageHeader: EnvelopeMessageHeader }>;
  /** Web streams seal frames with WebCrypto where node:crypto is not registered. */
  encryptStream(keyringOrCmm: KeyringOrCmm, options?: EnvelopeAsyncStreamEncryptOptions): TransformStream<Uint8Array, Uint8Array>;
  /** Web streams open frames with WebCrypto where node:crypto is not registered; each frame is released once its tag verified. */
  decryptStream(keyringOrCmm: KeyringOrCmm, options?: EnvelopeAsyncStreamDecryptOptions): TransformStream<Uint8Array, Uint8Array>;
  /** What `'platform'` means for the asynchronous API here. */
  readonly asyncPlatformCipher: 'node:crypto' | 'webcrypto' | 'wasm';
}

// --- Policy engine: batch authorization (sim.policy.authorize / prepare) ---

/** What one authorization decides: the `outcome` an explanation would carry. */
export type PolicyAuthorizationOutcome = PolicyDecision['outcome'];

/** One request of a batch, made by this simulator view's caller with `caller`'s changes applied. */
export interface PolicyAuthorizationRequest {
  /** `service:Action`, e.g. `kms:Decrypt`. */
  action: string;
  /** The resource ARN; a stored KMS key or secret is judged with its policy, grants and tags. */
  resource: string;
  /** Extra condition keys, as for `explain`. */
  context?: Record<string, string | string[] | boolean | number>;
  /** Changes to the caller: `principal` or `account` replaces it; `viaService` sets `kms:ViaService`. */
  caller?: CallerOptions & { viaService?: string };
}

/** A batch parsed and validated once; each `authorize()` evaluates every request again, in full. */
export interface PreparedPolicyAuthorization {
  /** How many requests the batch holds. */
  readonly length: number;
  /** One code per request against the simulator as it is now: 0 Allow, 1 ExplicitDeny, 2 ImplicitDeny. */
  authorize(): Uint8Array;
  /** `authorize()` with the codes named. */
  outcomes(): PolicyAuthorizationOutcome[];
  /** Releases the batch's wasm memory now (otherwise released when it is garbage-collected). */
  free(): void;
}

export interface PolicyApi {
  /** Outcomes only, one per request, evaluated in one wasm call (throws ValidationException on a malformed request). */
  authorize(requests: PolicyAuthorizationRequest[]): PolicyAuthorizationOutcome[];
  /** Parses a batch once for repeated evaluation (throws ValidationException on a malformed request). */
  prepare(requests: PolicyAuthorizationRequest[]): PreparedPolicyAuthorization;
  /** The outcome names indexed by the codes `PreparedPolicyAuthorization.authorize` returns. */
  readonly outcomeNames: readonly PolicyAuthorizationOutcome[];
}
