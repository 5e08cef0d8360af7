import { memoryStore } from '../src/index.ts';
import { authStoreConformance } from './conformance.ts';

const store = memoryStore();
authStoreConformance('memoryStore', () => store);
