"""PyTorch reference times (CPU, or CUDA when asked for and present) for bench/runtime.ts: reads a JSON list of sizes on stdin and
prints a JSON list of {size, case, ms}, the median over repeats after warm-up.

The same operations as the tnet networks: conv2d with padding 1, its input and weight VJPs,
unfold, KFC (KFAC-expand: the unfolded input's outer product summed over batch and positions, over
N) and KFAC-reduce (the outer product of the unfolded input averaged over positions, over N).
"""

import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def operations(n, c, hw, device):
    generator = torch.Generator().manual_seed(0)
    x = (torch.rand(n, c, hw, hw, generator=generator) * 2 - 1).to(device)
    w = (torch.rand(c, c, 3, 3, generator=generator) * 2 - 1).to(device)
    v = (torch.rand(n, c, hw, hw, generator=generator) * 2 - 1).to(device)

    def kfc():
        u = F.unfold(x, 3, padding=1)
        return torch.einsum("nko,nlo->kl", u, u) / n

    def kfac_reduce():
        u = F.unfold(x, 3, padding=1).mean(dim=2)
        return u.t() @ u / n

    return {
        "conv": lambda: F.conv2d(x, w, padding=1),
        "vjp-x": lambda: torch.nn.grad.conv2d_input(x.shape, w, v, padding=1),
        "vjp-w": lambda: torch.nn.grad.conv2d_weight(x, w.shape, v, padding=1),
        "unfold": lambda: F.unfold(x, 3, padding=1),
        "kfc": kfc,
        "kfac-reduce": kfac_reduce,
    }


def main():
    results = []
    with torch.no_grad():
        for size in json.load(sys.stdin):
            device = size.get("device", "cpu")
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            table = operations(size["n"], size["c"], size["hw"], device)
            wait = torch.cuda.synchronize if device == "cuda" else (lambda: None)
            for name in size["cases"]:
                run = table[name]
                for _ in range(size["warmup"]):
                    run()
                wait()
                times = []
                for _ in range(size["repeat"]):
                    start = time.perf_counter()
                    run()
                    wait()
                    times.append((time.perf_counter() - start) * 1000)
                results.append(
                    {"size": size["size"], "case": name, "device": device, "ms": statistics.median(times)}
                )
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
