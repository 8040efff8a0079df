// Batched matrix product C[b, m, n] = sum_k A[b, m, k] * B[b, k, n]: 64x64 tiles of C per
// workgroup, staged through workgroup memory in slices of 16 along k; each invocation keeps a 4x4
// block of C in registers. A and B are strided, C is contiguous. Accumulates in f32.
// The host prepends `fn loadA(index: u32) -> f32` and `loadB`: a plain read of `a` or `b`, or, for
// an implicit GEMM, the index arithmetic of a pattern gather that reads the tensor it would have
// unfolded (bound as `a` or `b`) and gives 0 in the padding. It replaces ELEMENT with f32 or f16
// (and adds `enable f16;` for the latter).

alias T = ELEMENT;

struct Params {
    batch: u32,
    m: u32,
    n: u32,
    k: u32,
    sab: u32,
    sam: u32,
    sak: u32,
    sbb: u32,
    sbk: u32,
    sbn: u32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<storage, read> a: array<T>;
@group(0) @binding(1) var<storage, read> b: array<T>;
@group(0) @binding(2) var<storage, read_write> c: array<T>;
@group(0) @binding(3) var<uniform> p: Params;

const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;

var<workgroup> tileA: array<f32, 1024>;
var<workgroup> tileB: array<f32, 1024>;

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
    let batch = wid.z;
    let row0 = wid.y * TM;
    let col0 = wid.x * TN;
    let t = lid.y * 16u + lid.x;
    var acc: array<f32, 16>;
    for (var k0 = 0u; k0 < p.k; k0 += TK) {
        for (var r = 0u; r < 4u; r++) {
            let e = t + r * 256u;
            let mm = e / TK;
            let ka = e % TK;
            let gm = row0 + mm;
            let gka = k0 + ka;
            var va = 0.0;
            if (gm < p.m && gka < p.k) {
                va = loadA(batch * p.sab + gm * p.sam + gka * p.sak);
            }
            tileA[ka * TM + mm] = va;
            let kb = e / TN;
            let nn = e % TN;
            let gkb = k0 + kb;
            let gn = col0 + nn;
            var vb = 0.0;
            if (gkb < p.k && gn < p.n) {
                vb = loadB(batch * p.sbb + gkb * p.sbk + gn * p.sbn);
            }
            tileB[kb * TN + nn] = vb;
        }
        workgroupBarrier();
        for (var kk = 0u; kk < TK; kk++) {
            var ra: array<f32, 4>;
            var rb: array<f32, 4>;
            for (var i = 0u; i < 4u; i++) {
                ra[i] = tileA[kk * TM + lid.y * 4u + i];
                rb[i] = tileB[kk * TN + lid.x * 4u + i];
            }
            for (var i = 0u; i < 4u; i++) {
                for (var j = 0u; j < 4u; j++) {
                    acc[i * 4u + j] += ra[i] * rb[j];
                }
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i++) {
        let gm = row0 + lid.y * 4u + i;
        for (var j = 0u; j < 4u; j++) {
            let gn = col0 + lid.x * 4u + j;
            if (gm < p.m && gn < p.n) {
                c[(batch * p.m + gm) * p.n + gn] = T(acc[i * 4u + j]);
            }
        }
    }
}
