//! Samples of the unit hypercube, one row per replication.
//!
//! `Random`: ChaCha8 seeded by the seed (reproducible on every platform).
//! `Sobol`: Owen-scrambled Sobol points (Burley's construction, via the
//! `sobol_burley` crate), a low-discrepancy sequence that fills the cube
//! evenly and so converges faster than pseudo-random sampling.

use digindex_pipeline::spec::Sampling;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// The largest dimension the Sobol generator supports.
pub const MAX_SOBOL_DIMS: usize = 256;

/// The most points the Sobol generator gives (indices below 2¹⁶).
pub const MAX_SOBOL_POINTS: usize = 1 << 16;

/// A 64-bit seed folded to 32 bits (every bit matters).
fn seed32(seed: u64) -> u32 {
    let x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((x >> 32) ^ x) as u32
}

/// A uniform draw in [0, 1) from 53 random bits.
pub fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A seeded ChaCha8 generator for a named stream of a seed.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// `n` points of the `d`-dimensional unit cube, row by row. Sobol sampling
/// needs `n` ≤ [`MAX_SOBOL_POINTS`] and `d` ≤ [`MAX_SOBOL_DIMS`] (callers check).
pub fn cube(n: usize, d: usize, sampling: Sampling, seed: u64) -> Vec<Vec<f64>> {
    match sampling {
        Sampling::Random => {
            let mut r = rng(seed, 0);
            (0..n).map(|_| (0..d).map(|_| unit(&mut r)).collect()).collect()
        }
        Sampling::Sobol => (0..n)
            .map(|i| {
                (0..d)
                    .map(|k| f64::from(sobol_burley::sample(i as u32, k as u32, seed32(seed))).clamp(0.0, 1.0 - 1e-12))
                    .collect()
            })
            .collect(),
    }
}

/// Maps a uniform draw to one of `k` equally likely alternatives.
pub fn pick(u: f64, k: usize) -> usize {
    ((u * k as f64) as usize).min(k.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproducible_and_in_range() {
        for s in [Sampling::Random, Sampling::Sobol] {
            let a = cube(64, 3, s, 7);
            assert_eq!(a, cube(64, 3, s, 7));
            assert!(a.iter().flatten().all(|u| (0.0..1.0).contains(u)));
            assert_ne!(a, cube(64, 3, s, 8));
        }
    }

    #[test]
    fn sobol_is_more_even_than_random() {
        // share of 64 points per quarter of [0,1): Sobol hits 16 each
        let count = |pts: &[Vec<f64>]| {
            let mut c = [0usize; 4];
            for p in pts {
                c[pick(p[0], 4)] += 1;
            }
            c
        };
        assert_eq!(count(&cube(64, 2, Sampling::Sobol, 1)), [16, 16, 16, 16]);
    }

    #[test]
    fn pick_bins_equally() {
        assert_eq!(pick(0.0, 5), 0);
        assert_eq!(pick(0.199, 5), 0);
        assert_eq!(pick(0.2, 5), 1);
        assert_eq!(pick(0.999_999, 5), 4);
    }
}
