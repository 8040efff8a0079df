// The examples the picker offers, bundled from examples/ as text.
import conv2d from '../../examples/conv2d.tnet';
import convGrouped from '../../examples/conv-grouped.tnet';
import convTranspose from '../../examples/conv-transpose.tnet';
import einsumChain from '../../examples/einsum-chain.tnet';
import kfc from '../../examples/kfc.tnet';
import unfold from '../../examples/unfold.tnet';
import vjpWeight from '../../examples/vjp-weight.tnet';

export interface Example {
    /** The file name, which is also the last part of the document's URI. */
    name: string;
    text: string;
}

export const EXAMPLES: Example[] = [
    { name: 'conv2d.tnet', text: conv2d },
    { name: 'conv-grouped.tnet', text: convGrouped },
    { name: 'conv-transpose.tnet', text: convTranspose },
    { name: 'einsum-chain.tnet', text: einsumChain },
    { name: 'unfold.tnet', text: unfold },
    { name: 'kfc.tnet', text: kfc },
    { name: 'vjp-weight.tnet', text: vjpWeight },
];
