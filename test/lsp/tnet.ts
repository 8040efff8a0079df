// The `tnet` command run from source (what bin/tnet.js runs from the bundle), for the tests.
import { cli } from '../../server/src/cli/main';

cli();
