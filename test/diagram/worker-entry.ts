// A web worker that draws the networks it is sent: the pure diagram code, bundled for a browser.
// Like the web language server, it listens through its own `onmessage`, which must survive.
import { drawNetwork } from '../../server/src/diagram';
import type { Network } from '../../server/src/network/ir';

const scope = self as unknown as {
    onmessage: ((event: MessageEvent<Network | 'ping'>) => void) | null;
    postMessage(message: unknown): void;
};

// Draws twice: afresh, then again from the first layout's hints, as after an edit.
async function draw(network: Network): Promise<{ svg: string; again: string }> {
    const first = await drawNetwork(network);
    const again = await drawNetwork(network, { hints: first.layout.hints });
    return { svg: first.svg, again: again.svg };
}

scope.onmessage = (event) => {
    const data = event.data;
    if (data === 'ping') {
        scope.postMessage({ pong: true });
        return;
    }
    draw(data).then(
        (result) => scope.postMessage(result),
        (error: unknown) => scope.postMessage({ error: String(error) }),
    );
};
