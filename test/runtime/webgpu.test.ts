// The WebGPU backend (Dawn, in its worker thread), in f32, against the references of the shared
// suite. Without an adapter every test fails with the reason.
import { after, before } from 'node:test';

import { WebGpuBackend } from '../../server/src/runtime/webgpu/host';
import { backendSuite } from './suite';

let gpu: WebGpuBackend | undefined;
let failure: Error | undefined;

before(async () => {
    try {
        gpu = await WebGpuBackend.open();
    } catch (error) {
        failure = error as Error;
    }
});

after(async () => {
    await gpu?.close();
});

backendSuite(
    'webgpu',
    () => async (plan, inputs) => {
        if (gpu === undefined) throw failure ?? new Error('the WebGPU backend did not open');
        return (await gpu.run(plan, inputs)).output;
    },
    'f32',
    2e-4,
);
