export { memoryDriver } from './memory.driver';
export { memoryConfigSchema, DEFAULT_RETENTION, type MemoryDriverConfig } from './memory.config';
export { MemoryContactCenter, CREATE_DEFAULTS } from './memory.contact-center';
export { createInteractionIdGenerator, INTERACTION_ID_PATTERN, type InteractionIdGenerator } from './interaction-id';
export { applyUserDataChanges } from './user-data-ops';
