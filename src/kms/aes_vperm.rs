//! Constant-time AES-256 encryption from 16-entry byte shuffles (the
//! vector-permute technique of M. Hamburg, CHES 2009), for wasm32 SIMD128,
//! which has no AES instructions but does have `i8x16.swizzle`: a lookup of
//! sixteen 4-bit indices at once in a 16-byte table held in a register. Every
//! table lookup here is such a swizzle indexed by a nibble, so no memory
//! address and no branch depends on key or data.
//!
//! # The math
//!
//! *Representation.* The AES field F = GF(2)\[x\]/(x⁸+x⁴+x³+x+1) is mapped,
//! by a field isomorphism φ, onto the tower G = GF(16)\[t\]/(t²+t+ζ), with
//! GF(16) = GF(2)\[w\]/(w⁴+w+1) and ζ the least element of GF(16) for which
//! t²+t+ζ has no root (so G is a field). A byte `k << 4 | i` of G stands for
//! k·t + i, k and i being nibbles in the w basis. φ sends x to γ, the least
//! root of the AES polynomial in G, so φ(Σ bₙxⁿ) = Σ bₙγⁿ: a GF(2)-linear map
//! that is also multiplicative. The cipher state lives in G between rounds.
//!
//! *Inversion.* For z = k·t + i (nibbles k, i; let j = k + i) the norm is
//! N = ζk² + ij, and z⁻¹ = (k·t + j)/N. With only lookups of one nibble and
//! additions, compute
//!
//! ```text
//! io = j + 1/(1/i + 1/(ζk)) = N/(ζk + i)      jo = i + 1/(1/j + 1/(ζk)) = N/(ζk + j)
//! ```
//!
//! Then 1/io = (ζ+1)·k/N + j/N and 1/jo = ζ·k/N + j/N, so
//! z⁻¹ = (1/io)·(t + ζ) + (1/jo)·(t + ζ + 1): a sum of a function of io and a
//! function of jo, each one 16-entry table. The inverse tables give 16 for
//! 1/0 (∞), an out-of-range index, and a swizzle with an index ≥ 16 yields
//! 0 = 1/∞; so the edge cases come out right: if i = 0 or k = 0 (not both),
//! 1/i + 1/(ζk) ≥ 16 and io = j, as the formula says; if i = ζk, io ≥ 16 and
//! its share is 0, as N/io = 0 says; and z = 0 gives 1/i + 1/(ζk) = 16 ⊕ 16
//! = 0, so io = jo = 16, both shares 0, and AES's 0⁻¹ = 0.
//!
//! *The rest of the round, folded into the output tables.* The S-box is
//! A(z⁻¹) + 0x63 with A linear; MixColumns needs s and 2s. So the two output
//! tables of io and jo are built to give φ(A(·)) and φ(2·A(·)) of their share
//! of z⁻¹ directly in G (the last round's give A(·) in F, the standard
//! basis). The constant 0x63 goes into the round keys: MixColumns maps a
//! column of four equal bytes c to itself (2c+3c+c+c = c), so round r's key
//! is stored as φ(rkᵣ) + φ(0x63) and the last as rk₁₄ + 0x63. MixColumns in G is
//! then 2s₀ + 2s₁ + s₁ + s₂ + s₃ per row, from byte rotations within
//! columns (constant shuffles), and ShiftRows is one more constant shuffle.
//! Entering G costs two lookups (φ of the low nibble and of the high nibble
//! of pt ⊕ rk₀).
//!
//! Every table is computed at compile time by the `const fn`s below from
//! these definitions alone; the unit tests check the S-box this yields
//! against its textbook definition on all 256 bytes.
//!
//! The algorithm is written once over [`Lanes`]: 16 bytes with xor, nibble
//! split, swizzle and constant permutations. [`Portable`] implements it on
//! `[u8; 16]` (a constant-time scan for the swizzle) on every target, so the
//! algorithm is tested natively; on wasm32 with `simd128` enabled at compile
//! time, a `v128` implementation is used instead.

use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

// ---------------------------------------------------------------------------
// Field arithmetic and tables, evaluated at compile time only.

/// Multiplication in GF(16) = GF(2)\[w\]/(w⁴+w+1), bit n of a nibble being
/// the coefficient of wⁿ.
const fn gf16_mul(a: u8, b: u8) -> u8 {
    let mut a = a & 0x0F;
    let mut b = b & 0x0F;
    let mut product = 0;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x10 != 0 {
            a ^= 0x13;
        }
    }
    product
}

/// The inverse in GF(16), by search (0 for 0).
const fn gf16_inv(a: u8) -> u8 {
    let mut x = 1;
    while x < 16 {
        if gf16_mul(a, x) == 1 {
            return x;
        }
        x += 1;
    }
    0
}

/// The least ζ in GF(16) with t²+t+ζ irreducible: no c with c² + c = ζ.
const fn find_zeta() -> u8 {
    let mut zeta = 1;
    while zeta < 16 {
        let mut c = 0;
        let mut has_root = false;
        while c < 16 {
            if gf16_mul(c, c) ^ c == zeta {
                has_root = true;
            }
            c += 1;
        }
        if !has_root {
            return zeta;
        }
        zeta += 1;
    }
    0
}

/// ζ: t² = t + ζ in the tower field G.
const ZETA: u8 = find_zeta();

/// Multiplication in G: `k << 4 | i` is k·t + i, and
/// (a·t + b)(c·t + d) = (ac + ad + bc)·t + (ζac + bd).
const fn tower_mul(x: u8, y: u8) -> u8 {
    let (a, b) = (x >> 4, x & 0x0F);
    let (c, d) = (y >> 4, y & 0x0F);
    let ac = gf16_mul(a, c);
    let high = ac ^ gf16_mul(a, d) ^ gf16_mul(b, c);
    let low = gf16_mul(ac, ZETA) ^ gf16_mul(b, d);
    (high << 4) | low
}

/// The AES field polynomial x⁸+x⁴+x³+x+1 evaluated at `g` in G.
const fn aes_polynomial_at(g: u8) -> u8 {
    let g2 = tower_mul(g, g);
    let g3 = tower_mul(g2, g);
    let g4 = tower_mul(g2, g2);
    let g8 = tower_mul(g4, g4);
    g8 ^ g4 ^ g3 ^ g ^ 1
}

/// γ = φ(x): the least root in G of the AES field polynomial.
const fn find_gamma() -> u8 {
    let mut g: u8 = 2;
    while g < 0xFF {
        if aes_polynomial_at(g) == 0 {
            return g;
        }
        g += 1;
    }
    0
}

const GAMMA: u8 = find_gamma();

/// A GF(2)-linear map on bytes as a matrix: byte n of the `u64` is the
/// image of bit n.
const fn apply(matrix: u64, x: u8) -> u8 {
    let mut image = 0;
    let mut n = 0;
    while n < 8 {
        if (x >> n) & 1 != 0 {
            image ^= (matrix >> (8 * n)) as u8;
        }
        n += 1;
    }
    image
}

/// φ: F → G, xⁿ ↦ γⁿ.
const fn phi_matrix() -> u64 {
    let mut matrix = 0;
    let mut power: u8 = 1;
    let mut n = 0;
    while n < 8 {
        matrix |= (power as u64) << (8 * n);
        power = tower_mul(power, GAMMA);
        n += 1;
    }
    matrix
}

const PHI: u64 = phi_matrix();

/// φ⁻¹: G → F, column n found by searching the preimage of bit n.
const fn phi_inverse_matrix() -> u64 {
    let mut matrix = 0;
    let mut n = 0;
    while n < 8 {
        let mut x: u8 = 1;
        while apply(PHI, x) != 1 << n && x < 0xFF {
            x += 1;
        }
        matrix |= (x as u64) << (8 * n);
        n += 1;
    }
    matrix
}

const PHI_INV: u64 = phi_inverse_matrix();

/// The linear part of the S-box's affine map: b ⊕ (b⋘1) ⊕ (b⋘2) ⊕ (b⋘3) ⊕ (b⋘4).
const fn affine_linear(b: u8) -> u8 {
    b ^ b.rotate_left(1) ^ b.rotate_left(2) ^ b.rotate_left(3) ^ b.rotate_left(4)
}

/// The S-box's affine constant.
const AFFINE_CONSTANT: u8 = 0x63;

/// Multiplication by x (that is, 2) in F.
const fn xtime(b: u8) -> u8 {
    (b << 1) ^ (((b >> 7) & 1) * 0x1B)
}

/// The tables, each 16 entries indexed by a nibble.
#[derive(Clone, Copy)]
enum Table {
    /// φ of the low nibble of a byte of F.
    PhiLow,
    /// φ of the high nibble of a byte of F.
    PhiHigh,
    /// 1/i in GF(16), with 1/0 = 16 (out of range: ∞).
    Inverse,
    /// 1/(ζk) in GF(16), with 1/0 = 16.
    InverseZetaTimes,
    /// A(share) of z⁻¹ carried by `io` (`false`) or `jo` (`true`), in F.
    Out { jo: bool },
    /// φ(A(share)): the S-box output in G, less its constant.
    OutG { jo: bool },
    /// φ(2·A(share)): twice the S-box output in G, less its constant.
    Out2G { jo: bool },
}

/// "1/0 = ∞", an index ≥ 16 that every swizzle maps to 0.
const INFINITY: u8 = 0x10;

/// io's share of z⁻¹ is (1/io)·(t + ζ), jo's is (1/jo)·(t + ζ + 1); this is
/// A of that share, in F. (io and jo are never 0; index 0 maps to 0.)
const fn out_share(index: u8, jo: bool) -> u8 {
    if index == 0 {
        return 0;
    }
    let r = gf16_inv(index);
    let c = if jo { ZETA ^ 1 } else { ZETA };
    let share = (r << 4) | gf16_mul(r, c);
    affine_linear(apply(PHI_INV, share))
}

const fn entry(table: Table, n: u8) -> u8 {
    match table {
        Table::PhiLow => apply(PHI, n),
        Table::PhiHigh => apply(PHI, n << 4),
        Table::Inverse if n == 0 => INFINITY,
        Table::Inverse => gf16_inv(n),
        Table::InverseZetaTimes if n == 0 => INFINITY,
        Table::InverseZetaTimes => gf16_inv(gf16_mul(ZETA, n)),
        Table::Out { jo } => out_share(n, jo),
        Table::OutG { jo } => apply(PHI, out_share(n, jo)),
        Table::Out2G { jo } => apply(PHI, xtime(out_share(n, jo))),
    }
}

const fn build(table: Table) -> [u8; 16] {
    let mut packed: u128 = 0;
    let mut n: u8 = 0;
    while n < 16 {
        packed |= (entry(table, n) as u128) << (8 * n as u32);
        n += 1;
    }
    packed.to_le_bytes()
}

const PHI_LOW: [u8; 16] = build(Table::PhiLow);
const PHI_HIGH: [u8; 16] = build(Table::PhiHigh);
const INVERSE: [u8; 16] = build(Table::Inverse);
const INVERSE_ZETA_TIMES: [u8; 16] = build(Table::InverseZetaTimes);
const OUT_IO: [u8; 16] = build(Table::Out { jo: false });
const OUT_JO: [u8; 16] = build(Table::Out { jo: true });
const OUT_G_IO: [u8; 16] = build(Table::OutG { jo: false });
const OUT_G_JO: [u8; 16] = build(Table::OutG { jo: true });
const OUT2_G_IO: [u8; 16] = build(Table::Out2G { jo: false });
const OUT2_G_JO: [u8; 16] = build(Table::Out2G { jo: true });
/// φ(0x63), the S-box constant in G.
const AFFINE_CONSTANT_G: u8 = apply(PHI, AFFINE_CONSTANT);

/// ShiftRows on a column-major state (byte n is row n mod 4, column n / 4):
/// row r moves r columns left.
const SHIFT_ROWS: [u8; 16] = [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];
/// Row r of each column takes row r + 1 of the same column.
const ROTATE_ROWS: [u8; 16] = [1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12];
/// Row r of each column takes row r + 2 of the same column.
const ROTATE_ROWS_TWICE: [u8; 16] = [2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13];

// ---------------------------------------------------------------------------
// The vector abstraction and the algorithm over it.

/// Sixteen byte lanes and the operations the cipher needs.
pub trait Lanes: Copy {
    /// Lane n holds `bytes[n]`.
    fn from_bytes(bytes: [u8; 16]) -> Self;
    /// The lanes as bytes.
    fn to_bytes(self) -> [u8; 16];
    /// Lane-wise xor.
    fn xor(self, other: Self) -> Self;
    /// Each lane's low nibble.
    fn low_nibbles(self) -> Self;
    /// Each lane's high nibble.
    fn high_nibbles(self) -> Self;
    /// Lane n of `self` used as a table: `self[index[n]]`, or 0 where
    /// `index[n] >= 16` (wasm's `i8x16.swizzle`).
    fn lookup(self, index: Self) -> Self;
    /// ShiftRows.
    fn shift_rows(self) -> Self;
    /// Rows rotated up by one within each column.
    fn rotate_rows(self) -> Self;
    /// Rows rotated up by two within each column.
    fn rotate_rows_twice(self) -> Self;
}

/// The tables as lanes (on wasm, constants in registers).
struct Tables<V> {
    phi_low: V,
    phi_high: V,
    inverse: V,
    inverse_zeta_times: V,
    out_io: V,
    out_jo: V,
    out_g_io: V,
    out_g_jo: V,
    out2_g_io: V,
    out2_g_jo: V,
}

impl<V: Lanes> Tables<V> {
    #[inline(always)]
    fn new() -> Self {
        Tables {
            phi_low: V::from_bytes(PHI_LOW),
            phi_high: V::from_bytes(PHI_HIGH),
            inverse: V::from_bytes(INVERSE),
            inverse_zeta_times: V::from_bytes(INVERSE_ZETA_TIMES),
            out_io: V::from_bytes(OUT_IO),
            out_jo: V::from_bytes(OUT_JO),
            out_g_io: V::from_bytes(OUT_G_IO),
            out_g_jo: V::from_bytes(OUT_G_JO),
            out2_g_io: V::from_bytes(OUT2_G_IO),
            out2_g_jo: V::from_bytes(OUT2_G_JO),
        }
    }

    /// φ of each byte: F → G.
    #[inline(always)]
    fn to_tower(&self, x: V) -> V {
        self.phi_low.lookup(x.low_nibbles()).xor(self.phi_high.lookup(x.high_nibbles()))
    }

    /// (io, jo) for each byte z = k·t + i of G (see the module docs).
    #[inline(always)]
    fn invert(&self, z: V) -> (V, V) {
        let i = z.low_nibbles();
        let k = z.high_nibbles();
        let j = i.xor(k);
        let inv_zk = self.inverse_zeta_times.lookup(k);
        let iak = self.inverse.lookup(i).xor(inv_zk);
        let jak = self.inverse.lookup(j).xor(inv_zk);
        let io = j.xor(self.inverse.lookup(iak));
        let jo = i.xor(self.inverse.lookup(jak));
        (io, jo)
    }

    /// The standard S-box on each byte of F (for the key schedule).
    #[inline(always)]
    fn sub_bytes(&self, x: V) -> V {
        let (io, jo) = self.invert(self.to_tower(x));
        self.out_io.lookup(io).xor(self.out_jo.lookup(jo)).xor(V::from_bytes([AFFINE_CONSTANT; 16]))
    }

    /// AES encryption of `N` blocks under prepared round keys, round by
    /// round in lockstep (independent dependency chains for the CPU to overlap).
    #[inline(always)]
    fn encrypt<const N: usize>(&self, keys: &RoundKeys, blocks: [[u8; 16]; N]) -> [[u8; 16]; N] {
        let [first, middle @ .., last] = keys;
        let first = V::from_bytes(*first);
        let mut states = blocks.map(|block| self.to_tower(V::from_bytes(block).xor(first)));
        for key in middle {
            let key = V::from_bytes(*key);
            states = states.map(|state| self.middle_round(state, key));
        }
        let last = V::from_bytes(*last);
        states.map(|state| self.last_round(state, last).to_bytes())
    }

    /// SubBytes, ShiftRows, MixColumns and AddRoundKey, all in G.
    #[inline(always)]
    fn middle_round(&self, state: V, key: V) -> V {
        let (io, jo) = self.invert(state.shift_rows());
        let s = self.out_g_io.lookup(io).xor(self.out_g_jo.lookup(jo));
        let s2 = self.out2_g_io.lookup(io).xor(self.out2_g_jo.lookup(jo));
        // Row r: 2s_r + 3s_{r+1} + s_{r+2} + s_{r+3}.
        let mixed = s2.xor(s2.xor(s).rotate_rows()).xor(s.xor(s.rotate_rows()).rotate_rows_twice());
        mixed.xor(key)
    }

    /// SubBytes and ShiftRows from G back to F, and AddRoundKey.
    #[inline(always)]
    fn last_round(&self, state: V, key: V) -> V {
        let (io, jo) = self.invert(state.shift_rows());
        self.out_io.lookup(io).xor(self.out_jo.lookup(jo)).xor(key)
    }
}

/// Round keys as [`Tables::encrypt`] uses them: the first in F, the middle
/// thirteen in G plus φ(0x63), the last in F plus 0x63.
type RoundKeys = [[u8; 16]; 15];

/// The AES-256 key schedule (FIPS-197 §5.2), with SubWord through the same
/// constant-time S-box, then each round key put in the form
/// [`Tables::encrypt`] expects.
fn expand_key<V: Lanes>(key: &[u8; 32], out: &mut RoundKeys) {
    let tables = Tables::<V>::new();
    let mut prev2 = [0u8; 16];
    let mut prev = [0u8; 16];
    for (slot, chunk) in [&mut prev2, &mut prev].into_iter().zip(key.chunks_exact(16)) {
        slot.copy_from_slice(chunk);
    }
    let mut rcon: u8 = 1;
    let count = out.len();
    for (n, slot) in out.iter_mut().enumerate() {
        *slot = prev2;
        let mut next = [0u8; 16];
        if n + 2 < count {
            next = next_round_key(&tables, &prev2, &prev, n % 2 == 0, &mut rcon);
        }
        prev2 = prev;
        prev = next;
        next.zeroize();
    }
    prev2.zeroize();
    prev.zeroize();
    let [_, middle @ .., last] = out;
    for key in middle {
        *key = tables.to_tower(V::from_bytes(*key)).xor(V::from_bytes([AFFINE_CONSTANT_G; 16])).to_bytes();
    }
    last.iter_mut().for_each(|b| *b ^= AFFINE_CONSTANT);
}

/// Round key n + 2 from round keys n (`prev2`) and n + 1 (`prev`): its first
/// word is word 4n + 8, which takes RotWord and Rcon when n is even.
fn next_round_key<V: Lanes>(
    tables: &Tables<V>,
    prev2: &[u8; 16],
    prev: &[u8; 16],
    rotate: bool,
    rcon: &mut u8,
) -> [u8; 16] {
    let [.., w0, w1, w2, w3] = *prev;
    let word = if rotate { [w1, w2, w3, w0] } else { [w0, w1, w2, w3] };
    let [a, b, c, d] = word;
    let [a, b, c, d, ..] = tables.sub_bytes(V::from_bytes([a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).to_bytes();
    let mut carry = [a, b, c, d];
    if rotate {
        carry.iter_mut().take(1).for_each(|byte| *byte ^= *rcon);
        *rcon = xtime(*rcon);
    }
    let mut next = *prev2;
    for word in next.chunks_exact_mut(4) {
        for (byte, c) in word.iter_mut().zip(carry.iter_mut()) {
            *byte ^= *c;
            *c = *byte;
        }
    }
    carry.zeroize();
    next
}

// ---------------------------------------------------------------------------
// Implementations of the lanes.

/// Portable lanes on `[u8; 16]`, compiled on every target. The swizzle scans
/// all sixteen table entries with constant-time selects.
#[derive(Clone, Copy)]
pub struct Portable([u8; 16]);

impl Portable {
    fn permute(self, order: [u8; 16]) -> Self {
        Portable(order.map(|n| self.0.get(usize::from(n)).copied().unwrap_or(0)))
    }
}

impl Lanes for Portable {
    #[inline]
    fn from_bytes(bytes: [u8; 16]) -> Self {
        Portable(bytes)
    }
    #[inline]
    fn to_bytes(self) -> [u8; 16] {
        self.0
    }
    #[inline]
    fn xor(mut self, other: Self) -> Self {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a ^= b);
        self
    }
    #[inline]
    fn low_nibbles(self) -> Self {
        Portable(self.0.map(|b| b & 0x0F))
    }
    #[inline]
    fn high_nibbles(self) -> Self {
        Portable(self.0.map(|b| b >> 4))
    }
    fn lookup(self, index: Self) -> Self {
        Portable(index.0.map(|wanted| {
            self.0
                .iter()
                .zip(0u8..)
                .fold(0u8, |found, (&entry, n)| u8::conditional_select(&found, &entry, wanted.ct_eq(&n)))
        }))
    }
    fn shift_rows(self) -> Self {
        self.permute(SHIFT_ROWS)
    }
    fn rotate_rows(self) -> Self {
        self.permute(ROTATE_ROWS)
    }
    fn rotate_rows_twice(self) -> Self {
        self.permute(ROTATE_ROWS_TWICE)
    }
}

/// wasm SIMD128 lanes: one `v128`, the lookups `i8x16.swizzle`, the
/// permutations `i8x16.shuffle` with constant indices.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::{Lanes, ROTATE_ROWS, ROTATE_ROWS_TWICE, SHIFT_ROWS};
    use core::arch::wasm32::{
        i8x16_shuffle, i8x16_swizzle, u64x2, u64x2_extract_lane, u8x16_shr, u8x16_splat, v128, v128_and, v128_xor,
    };

    /// Sixteen byte lanes in a `v128`.
    #[derive(Clone, Copy)]
    pub struct Simd128(v128);

    macro_rules! shuffle {
        ($v:expr, $order:ident) => {
            i8x16_shuffle::<
                { $order[0] as usize },
                { $order[1] as usize },
                { $order[2] as usize },
                { $order[3] as usize },
                { $order[4] as usize },
                { $order[5] as usize },
                { $order[6] as usize },
                { $order[7] as usize },
                { $order[8] as usize },
                { $order[9] as usize },
                { $order[10] as usize },
                { $order[11] as usize },
                { $order[12] as usize },
                { $order[13] as usize },
                { $order[14] as usize },
                { $order[15] as usize },
            >($v, $v)
        };
    }

    impl Lanes for Simd128 {
        #[inline(always)]
        fn from_bytes(bytes: [u8; 16]) -> Self {
            let [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7] = bytes;
            Simd128(u64x2(
                u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]),
                u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]),
            ))
        }
        #[inline(always)]
        fn to_bytes(self) -> [u8; 16] {
            let [a0, a1, a2, a3, a4, a5, a6, a7] = u64x2_extract_lane::<0>(self.0).to_le_bytes();
            let [b0, b1, b2, b3, b4, b5, b6, b7] = u64x2_extract_lane::<1>(self.0).to_le_bytes();
            [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7]
        }
        #[inline(always)]
        fn xor(self, other: Self) -> Self {
            Simd128(v128_xor(self.0, other.0))
        }
        #[inline(always)]
        fn low_nibbles(self) -> Self {
            Simd128(v128_and(self.0, u8x16_splat(0x0F)))
        }
        #[inline(always)]
        fn high_nibbles(self) -> Self {
            Simd128(u8x16_shr(self.0, 4))
        }
        #[inline(always)]
        fn lookup(self, index: Self) -> Self {
            Simd128(i8x16_swizzle(self.0, index.0))
        }
        #[inline(always)]
        fn shift_rows(self) -> Self {
            Simd128(shuffle!(self.0, SHIFT_ROWS))
        }
        #[inline(always)]
        fn rotate_rows(self) -> Self {
            Simd128(shuffle!(self.0, ROTATE_ROWS))
        }
        #[inline(always)]
        fn rotate_rows_twice(self) -> Self {
            Simd128(shuffle!(self.0, ROTATE_ROWS_TWICE))
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use simd::Simd128;

/// The lanes [`Aes256Vperm`] uses on this target.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Native = Simd128;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
type Native = Portable;

// ---------------------------------------------------------------------------
// The cipher.

/// AES-256 encryption (the forward cipher only) by vector permutes:
/// constant-time, with round keys zeroized on drop.
#[derive(Clone)]
pub struct Aes256Vperm {
    round_keys: RoundKeys,
}

impl Aes256Vperm {
    /// Expands a 256-bit key.
    pub fn new(key: &[u8; 32]) -> Self {
        Self::new_with::<Native>(key)
    }

    /// Encrypts each block in place.
    pub fn encrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        self.encrypt_blocks_with::<Native>(blocks);
    }

    /// [`Aes256Vperm::new`] on the given lanes (for tests of each).
    #[doc(hidden)]
    pub fn new_with<V: Lanes>(key: &[u8; 32]) -> Self {
        let mut cipher = Aes256Vperm { round_keys: [[0; 16]; 15] };
        expand_key::<V>(key, &mut cipher.round_keys);
        cipher
    }

    /// [`Aes256Vperm::encrypt_blocks`] on the given lanes (for tests of each).
    #[doc(hidden)]
    pub fn encrypt_blocks_with<V: Lanes>(&self, blocks: &mut [[u8; 16]]) {
        let tables = Tables::<V>::new();
        let keys = &self.round_keys;
        let mut quads = blocks.chunks_exact_mut(4);
        for quad in &mut quads {
            if let [a, b, c, d] = quad {
                [*a, *b, *c, *d] = tables.encrypt(keys, [*a, *b, *c, *d]);
            }
        }
        match quads.into_remainder() {
            [a, b, c] => [*a, *b, *c] = tables.encrypt(keys, [*a, *b, *c]),
            [a, b] => [*a, *b] = tables.encrypt(keys, [*a, *b]),
            [a] => [*a] = tables.encrypt(keys, [*a]),
            _ => {}
        }
    }
}

impl Zeroize for Aes256Vperm {
    fn zeroize(&mut self) {
        self.round_keys.zeroize();
    }
}

impl Drop for Aes256Vperm {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for Aes256Vperm {}

impl core::fmt::Debug for Aes256Vperm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Aes256Vperm { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Multiplication in F, bit by bit.
    fn aes_mul(mut a: u8, mut b: u8) -> u8 {
        let mut p = 0;
        while b != 0 {
            if b & 1 != 0 {
                p ^= a;
            }
            a = xtime(a);
            b >>= 1;
        }
        p
    }

    /// The S-box from its definition: inverse in F (by search), then affine.
    fn reference_sbox(x: u8) -> u8 {
        let inv = (1..=255u8).find(|&y| aes_mul(x, y) == 1).unwrap_or(0);
        affine_linear(inv) ^ AFFINE_CONSTANT
    }

    #[test]
    fn field_constants_are_consistent() {
        assert_ne!(ZETA, 0);
        assert!((0..16u8).all(|c| gf16_mul(c, c) ^ c != ZETA));
        assert_eq!(aes_polynomial_at(GAMMA), 0);
        for x in 0..=255u8 {
            assert_eq!(apply(PHI_INV, apply(PHI, x)), x);
            for y in [1u8, 2, 3, 0x53, 0xCA, 0xFF, x] {
                assert_eq!(apply(PHI, aes_mul(x, y)), tower_mul(apply(PHI, x), apply(PHI, y)));
            }
        }
        assert_eq!(reference_sbox(0), 0x63);
        assert_eq!(reference_sbox(0x53), 0xED);
    }

    #[test]
    fn sbox_matches_its_definition_on_every_byte() {
        let tables = Tables::<Portable>::new();
        for high in 0..16u8 {
            let input: [u8; 16] = core::array::from_fn(|n| (high << 4) | n as u8);
            let out = tables.sub_bytes(Portable::from_bytes(input)).to_bytes();
            for (x, y) in input.iter().zip(out) {
                assert_eq!(y, reference_sbox(*x), "S({x:#04x})");
            }
        }
    }

    #[test]
    fn tower_round_tables_give_phi_of_s_and_2s() {
        let tables = Tables::<Portable>::new();
        for high in 0..16u8 {
            let input: [u8; 16] = core::array::from_fn(|n| (high << 4) | n as u8);
            let (io, jo) = tables.invert(tables.to_tower(Portable::from_bytes(input)));
            let s = tables.out_g_io.lookup(io).xor(tables.out_g_jo.lookup(jo)).to_bytes();
            let s2 = tables.out2_g_io.lookup(io).xor(tables.out2_g_jo.lookup(jo)).to_bytes();
            for ((x, s), s2) in input.iter().zip(s).zip(s2) {
                let sbox = reference_sbox(*x) ^ AFFINE_CONSTANT;
                assert_eq!(s, apply(PHI, sbox));
                assert_eq!(s2, apply(PHI, xtime(sbox)));
            }
        }
    }

    #[test]
    fn fips_197_aes_256() {
        let key: [u8; 32] = core::array::from_fn(|n| n as u8);
        let mut blocks = [core::array::from_fn(|n| (n as u8) * 0x11)];
        Aes256Vperm::new(&key).encrypt_blocks(&mut blocks);
        let expected = [0x8e, 0xa2, 0xb7, 0xca, 0x51, 0x67, 0x45, 0xbf, 0xea, 0xfc, 0x49, 0x90, 0x4b, 0x49, 0x60, 0x89];
        assert_eq!(blocks, [expected]);
    }

    #[test]
    fn debug_prints_no_key() {
        let cipher = Aes256Vperm::new(&[0xAB; 32]);
        assert_eq!(format!("{cipher:?}"), "Aes256Vperm { .. }");
    }
}
