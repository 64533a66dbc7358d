//! Seeded random documents for the tests that compare a fast scan with its reference.

/// 20,000 documents of `per_doc` of `pieces` each, drawn by a seeded xorshift (the same every
/// run for the same seed).
pub(crate) fn random_docs(
    pieces: &'static [&'static str],
    per_doc: usize,
    mut seed: u64,
) -> impl Iterator<Item = String> {
    (0..20_000).map(move |_| {
        let mut html = String::new();
        for _ in 0..per_doc {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            html.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        html
    })
}
