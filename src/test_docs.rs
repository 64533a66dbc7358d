//! Seeded random documents for the tests that compare a fast scan with its reference.

/// A seeded xorshift generator: the same numbers every run for the same (non-zero) seed.
pub(crate) struct Xorshift(pub(crate) u64);

impl Xorshift {
    /// The next number.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (not zero).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// 20,000 documents of `per_doc` of `pieces` each, drawn by [`Xorshift`] from `seed`.
pub(crate) fn random_docs(pieces: &'static [&'static str], per_doc: usize, seed: u64) -> impl Iterator<Item = String> {
    let mut rng = Xorshift(seed);
    (0..20_000).map(move |_| {
        let mut html = String::new();
        for _ in 0..per_doc {
            html.push_str(pieces[rng.below(pieces.len())]);
        }
        html
    })
}
