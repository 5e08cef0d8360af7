import { memoryDriver } from '../src/memory/index.ts';
import { conformance } from './conformance.ts';

conformance('memory', { driver: () => memoryDriver() });
