export type { Clock, Duration, Logger } from '../../../internal/src/index.ts';
export type { Body } from './body.ts';
export { type StorageEvent, storageChannels } from './channels.ts';
export type {
  ByteRange,
  DriverCapabilities,
  DriverPostOptions,
  DriverPresignOptions,
  DriverPutOptions,
  DriverRead,
  ListEntry,
  ListPage,
  ObjectStat,
  PresignedPost,
  StorageDriver,
} from './driver.ts';
export { isStorageError, StorageError, type StorageErrorCode, storageErrorStatus } from './errors.ts';
export { type StorageCheckOptions, storageCheck } from './health.ts';
export { extensionOf, normalizeKey } from './keys.ts';
export { defineRule, type Rule, rules } from './rules.ts';
export type { SignedClaims } from './signing.ts';
export { sniffType } from './sniff.ts';
export {
  createStorage,
  type GetOptions,
  type ListOptions,
  type PresignedPostOptions,
  type PutOptions,
  type SignedUrlOptions,
  type Storage,
  type StorageOptions,
  type StorageStats,
} from './storage.ts';
export type { StoredObject } from './stored-object.ts';
