// The CPU backend, in f64, against the references of the shared suite.
import { runCpu } from '../../server/src/runtime/cpu';
import { backendSuite } from './suite';

backendSuite('cpu', () => async (plan, inputs) => (await runCpu(plan, inputs)).output, 'f64', 1e-9);
