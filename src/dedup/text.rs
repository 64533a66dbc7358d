//! Text normalization and sketches for near-duplicate detection.
//!
//! A post's body is reduced to a comparison string (tags stripped, entities decoded, NFKC,
//! lowercase, only letters and digits kept: no whitespace, no punctuation), then to a
//! [`Sketch`]: a one-permutation MinHash over character 5-grams. Character shingles need no
//! word segmentation, so Chinese and English work the same way. Shingles are hashed from a
//! rolling window of chars; nothing is allocated per shingle.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::parse::text::{decode_entities, strip_tags};

/// Characters per shingle.
pub const SHINGLE: usize = 5;
/// Bins of the one-permutation MinHash signature.
pub const BINS: usize = 64;

/// The comparison text of an HTML fragment or plain string: tags stripped, entities decoded,
/// NFKC, lowercase, only alphanumeric characters kept.
pub fn normalize(html: &str) -> String {
    let stripped = strip_tags(html);
    let decoded = decode_entities(&stripped);
    let nfkc: Cow<'_, str> = match is_nfkc_quick(decoded.chars()) {
        IsNormalized::Yes => decoded,
        _ => Cow::Owned(decoded.nfkc().collect()),
    };
    let mut out = String::with_capacity(nfkc.len());
    for c in nfkc.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A compact summary of a text: `BINS` MinHash values and how many shingles it had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sketch {
    /// One-permutation MinHash, densified: every bin is filled when the text has a shingle.
    pub sig: [u16; BINS],
    /// Number of shingles (≈ characters) in the text; 0 for an empty text.
    pub shingles: u32,
}

impl Sketch {
    /// Estimated Jaccard similarity of the two shingle sets (fraction of equal bins).
    pub fn similarity(&self, other: &Sketch) -> f32 {
        if self.shingles == 0 || other.shingles == 0 {
            return 0.0;
        }
        let same = self.sig.iter().zip(other.sig.iter()).filter(|(a, b)| a == b).count();
        same as f32 / BINS as f32
    }

    /// The `band`-th group of `rows` bins, packed into one key (with the band number mixed in).
    pub fn band_key(&self, band: usize, rows: usize) -> u64 {
        let mut k = band as u64;
        for &v in &self.sig[band * rows..(band + 1) * rows] {
            k = (k << 16) ^ u64::from(v) ^ (k >> 48);
        }
        fmix(k ^ ((band as u64) << 59))
    }
}

/// Finalizer of MurmurHash3: spreads every input bit over the output.
#[inline]
pub fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hash of a window of chars.
#[inline]
fn window_hash(w: &[u32; SHINGLE], start: usize) -> u64 {
    let mut h: u64 = 0;
    for i in 0..SHINGLE {
        h = (h.rotate_left(5) ^ u64::from(w[(start + i) % SHINGLE])).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fmix(h)
}

/// The sketch of an already normalized text (see [`normalize`]).
pub fn sketch(norm: &str) -> Sketch {
    const EMPTY: u64 = u64::MAX;
    let mut mins = [EMPTY; BINS];
    let mut window = [0u32; SHINGLE];
    let mut n = 0usize;
    let mut shingles = 0u32;
    let add = |h: u64, mins: &mut [u64; BINS]| {
        let bin = (h >> 58) as usize;
        let v = h & ((1 << 58) - 1);
        if v < mins[bin] {
            mins[bin] = v;
        }
    };
    for c in norm.chars() {
        window[n % SHINGLE] = c as u32;
        n += 1;
        if n >= SHINGLE {
            add(window_hash(&window, n % SHINGLE), &mut mins);
            shingles = shingles.saturating_add(1);
        }
    }
    if n > 0 && n < SHINGLE {
        // A text shorter than a shingle is one shingle.
        for w in window.iter_mut().skip(n) {
            *w = 0;
        }
        add(window_hash(&window, 0), &mut mins);
        shingles = 1;
    }
    let mut sig = [0u16; BINS];
    if shingles > 0 {
        // Densify by rotation: an empty bin borrows the next filled bin to its right, offset by
        // the distance, so that equal texts give equal signatures and short texts stay usable.
        for (j, out) in sig.iter_mut().enumerate() {
            let mut d = 0;
            while mins[(j + d) % BINS] == EMPTY {
                d += 1;
            }
            let v = mins[(j + d) % BINS];
            *out = fmix(v.wrapping_add((d as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))) as u16;
        }
    }
    Sketch { sig, shingles }
}

/// Exact Jaccard similarity of the shingle sets of two normalized texts (for tests and audits;
/// allocates).
pub fn jaccard(a: &str, b: &str) -> f32 {
    let set = |s: &str| -> std::collections::HashSet<Vec<char>> {
        let cs: Vec<char> = s.chars().collect();
        cs.windows(SHINGLE.min(cs.len().max(1))).map(<[char]>::to_vec).collect()
    };
    let (x, y) = (set(a), set(b));
    let union = x.union(&y).count();
    if union == 0 {
        return 0.0;
    }
    x.intersection(&y).count() as f32 / union as f32
}

/// Character-bigram Dice coefficient of two short strings (titles), in [0, 1].
pub fn bigram_dice(a: &str, b: &str) -> f32 {
    let grams = |s: &str| -> Vec<(char, char)> {
        let cs: Vec<char> = s.chars().collect();
        let mut g: Vec<(char, char)> = cs.windows(2).map(|w| (w[0], w[1])).collect();
        if cs.len() == 1 {
            g.push((cs[0], '\0'));
        }
        g.sort_unstable();
        g
    };
    let (x, y) = (grams(a), grams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f32 / (x.len() + y.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_spacing_punctuation_width_and_case() {
        let a = normalize("<p>Docker 专场沙龙，开始报名！</p> <b>HTTP</b>&amp;Go");
        let b = normalize("Docker专场沙龙,开始报名!\n\nＨＴＴＰ & go");
        assert_eq!(a, b);
        assert_eq!(a, "docker专场沙龙开始报名httpgo");
    }

    #[test]
    fn sketches_estimate_similarity() {
        let base: String = (0..400).map(|i| char::from_u32(0x4e00 + (i * 7919 % 2000)).unwrap()).collect();
        let mut edited = base.clone();
        edited.replace_range(edited.char_indices().nth(200).unwrap().0..edited.char_indices().nth(201).unwrap().0, "x");
        let other: String = (0..400).map(|i| char::from_u32(0x4e00 + (i * 104_729 % 3000)).unwrap()).collect();
        let (a, b, c) = (sketch(&base), sketch(&edited), sketch(&other));
        assert_eq!(a, sketch(&base));
        assert!(a.similarity(&b) > 0.85, "{}", a.similarity(&b));
        assert!(a.similarity(&c) < 0.2, "{}", a.similarity(&c));
        assert_eq!(sketch("").shingles, 0);
        assert_eq!(sketch("ab").shingles, 1);
        assert!(jaccard(&base, &edited) > 0.9);
        assert!(bigram_dice("docker专场", "docker专场沙龙") > 0.8);
    }
}
