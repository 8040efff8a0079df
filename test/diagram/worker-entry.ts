// A web worker that draws the networks it is sent: the pure diagram code, bundled for a browser.
import { drawNetwork } from '../../server/src/diagram';
import type { Network } from '../../server/src/network/ir';

const scope = self as unknown as {
    onmessage: ((event: MessageEvent<Network>) => void) | null;
    postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
    drawNetwork(event.data).then(
        ({ svg }) => scope.postMessage({ svg }),
        (error: unknown) => scope.postMessage({ error: String(error) }),
    );
};
