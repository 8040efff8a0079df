/** The runtime process's entry (`dist/runtime.js`): JSON-RPC on stdin and stdout until stdin ends. */
import { serve } from './server';

void serve(process.stdin, process.stdout).then(() => process.exit(0));
