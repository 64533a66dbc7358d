//! Text normalization and sketches for near-duplicate detection.
//!
//! A post's body is reduced to a comparison string (tags stripped, entities decoded, NFKC,
//! lowercase, only letters and digits kept: no whitespace, no punctuation), then to a
//! [`Sketch`]: a one-permutation MinHash over character 5-grams. Character shingles need no
//! word segmentation, so Chinese and English work the same way. Shingles are hashed from a
//! rolling window of chars; nothing is allocated per shingle.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::parse::text::{decode_entities, memchr_near, named_entity, numeric_entity, strip_tags};

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

/// A cheap finalizer for shingle hashes (one multiplication).
#[inline]
fn mix(h: u64) -> u64 {
    let x = (h ^ (h >> 31)).wrapping_mul(0xd6e8_feb8_6659_fd93);
    x ^ (x >> 32)
}

/// Multiplier of the rolling polynomial hash over a window of chars.
const BASE: u64 = 0x100_0000_01b3;
/// Marks a bin that no shingle fell into.
const EMPTY: u64 = u64::MAX;

/// `BASE` to the power `SHINGLE - 1`: the weight of the oldest char of a shingle.
const BASE_POW: u64 = BASE.wrapping_mul(BASE).wrapping_mul(BASE).wrapping_mul(BASE);

/// Streams characters of a normalized text into a [`Sketch`].
///
/// The shingle's hash is a polynomial in `BASE` over its chars (+1, so that no char is zero).
/// It rolls: the hash of the last `SHINGLE` chars is that of the `SHINGLE - 1` before, times
/// `BASE`, plus the new char; dropping the oldest of them gives the next `SHINGLE - 1`. Those
/// chars are kept in a ring of `SHINGLE - 1` slots indexed by the count of chars: a load and
/// a store per char, which leaves the registers to the scan (a `u128` window shifted per
/// char took two of them, and the scan spilled).
struct Sketcher {
    mins: [u64; BINS],
    /// The last `SHINGLE - 1` chars (+1), the one pushed `k` chars ago (k = 1..=4) at
    /// `(n - k) % (SHINGLE - 1)`; zero before the first.
    ring: [u64; SHINGLE - 1],
    /// The hash of the last `SHINGLE - 1` chars (of all of them before there are as many,
    /// which is then also the hash of all of them: what a text shorter than a shingle hashes to).
    rolling: u64,
    n: usize,
}

impl Sketcher {
    fn new() -> Self {
        Sketcher { mins: [EMPTY; BINS], ring: [0; SHINGLE - 1], rolling: 0, n: 0 }
    }

    #[inline(always)]
    fn add(&mut self, h: u64) {
        let bin = (h >> 58) as usize;
        let v = h & ((1 << 58) - 1);
        // A conditional move and a store every time, not a branch: many shingles of a short
        // text lower their bin, so the branch is often mispredicted (a first two-pass version
        // compiled to it, with the rolling hash on the stack, took 22% more time).
        self.mins[bin] = v.min(self.mins[bin]);
    }

    /// One character of the normalized text (as `u32`): from the `SHINGLE`-th on, each
    /// window of `SHINGLE` chars is a shingle.
    #[inline(always)]
    fn push(&mut self, c: u32) {
        self.push_plus_one::<true>(u64::from(c) + 1);
    }

    /// [`Sketcher::push`] of the char `c - 1` (the fast path's table holds chars plus one).
    /// With `WARM` unset, for a sketcher known to hold `SHINGLE - 1` chars already: every
    /// push then makes a shingle, and the ring's oldest char is not tested.
    #[inline(always)]
    fn push_plus_one<const WARM: bool>(&mut self, c: u64) {
        // The oldest of the last `SHINGLE - 1` chars: it leaves the window with this one.
        let slot = &mut self.ring[self.n % (SHINGLE - 1)];
        let out = *slot;
        *slot = c;
        let h = self.rolling.wrapping_mul(BASE).wrapping_add(c);
        self.rolling = h.wrapping_sub(out.wrapping_mul(BASE_POW));
        self.n += 1;
        debug_assert!(WARM || out != 0);
        if !WARM || out != 0 {
            self.add(mix(h));
        }
    }

    fn finish(mut self) -> Sketch {
        // One shingle per window of `SHINGLE` chars.
        let mut shingles = u32::try_from(self.n.saturating_sub(SHINGLE - 1)).unwrap_or(u32::MAX);
        if self.n > 0 && self.n < SHINGLE {
            // A text shorter than a shingle is one shingle.
            self.add(mix(self.rolling));
            shingles = 1;
        }
        let mut sig = [0u16; BINS];
        if shingles > 0 {
            // Densify by rotation: an empty bin borrows the next filled bin to its right,
            // offset by the distance, so that equal texts give equal signatures and short
            // texts stay usable.
            for (j, out) in sig.iter_mut().enumerate() {
                let mut d = 0;
                while self.mins[(j + d) % BINS] == EMPTY {
                    d += 1;
                }
                let v = self.mins[(j + d) % BINS];
                *out = fmix(v.wrapping_add((d as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))) as u16;
            }
        }
        Sketch { sig, shingles }
    }
}

/// The sketch of an already normalized text (see [`normalize`]).
pub fn sketch(norm: &str) -> Sketch {
    let mut s = Sketcher::new();
    for c in norm.chars() {
        s.push(c as u32);
    }
    s.finish()
}

/// The sketch of an HTML fragment: the same as `sketch(&normalize(html))`, computed in one
/// pass without allocating for the common case (ASCII, CJK ideographs, full-width forms, CJK
/// and general punctuation, character references to those); anything else takes the general path.
pub fn sketch_html(html: &str) -> Sketch {
    fast_sketch(html).unwrap_or_else(|| sketch(&normalize(html)))
}

/// What a byte is to the fast path: the char it stays in the comparison text (letters
/// lowercased, digits) plus one, as the sketcher hashes it, else [`SKIP`] (whitespace and
/// punctuation: dropped), [`LT`], [`AMP`], [`LEAD3`] (the first byte of a three-byte
/// character) or [`WIDE`] (any other byte of a multi-byte character), all five below `b'0'`.
/// One lookup classifies a byte.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = if (b as u8).is_ascii_alphanumeric() { (b as u8).to_ascii_lowercase() + 1 } else { SKIP };
        b += 1;
    }
    while b < 256 {
        if b >= 0xe0 && b < 0xf0 {
            table[b] = LEAD3;
        }
        b += 1;
    }
    table[b'<' as usize] = LT;
    table[b'&' as usize] = AMP;
    table
};
const SKIP: u8 = 0;
const LT: u8 = 1;
const AMP: u8 = 2;
const WIDE: u8 = 3;
const LEAD3: u8 = 4;

/// The code point of the three-byte UTF-8 character `x b1 b2` (a valid one: `x` in
/// `0xe0..0xf0`, `b1` and `b2` in `0x80..0xc0`), plus one. Its bits are those of the
/// bytes less their markers, and the markers are known: a subtraction removes them all, no
/// mask per byte (the masked decode and its lead-byte test were 13 instructions of a CJK
/// char, this is 6).
#[inline(always)]
fn decode3_plus_one(x: u8, b1: u8, b2: u8) -> u32 {
    const MARKERS: u32 = (0xe0 << 12) + (0x80 << 6) + 0x80;
    (u32::from(x) << 12) + (u32::from(b1) << 6) + u32::from(b2) - (MARKERS - 1)
}

fn fast_sketch(html: &str) -> Option<Sketch> {
    // The scan runs twice: up to the `SHINGLE - 1`-th char, then on with no shingle test per
    // char (the test and its branch were 2 of the ~33 instructions of an ASCII letter). The
    // sketcher goes by value, so that its rolling hash and count stay in registers.
    let (s, warm) = scan::<true>(Sketcher::new(), html, 0)?;
    let (s, _) = scan::<false>(s, html, warm)?;
    Some(s.finish())
}

/// The fast path's scan of `html` from byte `i` into `s` ([`fast_sketch`]): with `WARM` set,
/// up to where `s` holds `SHINGLE - 1` chars, else to the end (`s` and the offset there); `None`
/// where a character needs the general path. Every push of a pass without `WARM` makes a
/// shingle ([`Sketcher::push_plus_one`]).
#[inline(always)]
fn scan<const WARM: bool>(mut s: Sketcher, html: &str, mut i: usize) -> Option<(Sketcher, usize)> {
    let b = html.as_bytes();
    while let Some(&x) = b.get(i) {
        if WARM && s.n >= SHINGLE - 1 {
            return Some((s, i));
        }
        let class = BYTE_CLASS[usize::from(x)];
        if class > LEAD3 {
            s.push_plus_one::<WARM>(u64::from(class));
            i += 1;
            continue;
        }
        if class == LEAD3 {
            // Only three-byte characters (U+0800..U+FFFF) are in the fast path's ranges; the
            // input is valid UTF-8, so a lead byte from 0xe0 to 0xef has its two continuations.
            let &[_, b1, b2, ..] = &b[i..] else { return None };
            let c = decode3_plus_one(x, b1, b2);
            i += 3;
            if (0x4e01..=0xa000).contains(&c) {
                s.push_plus_one::<WARM>(u64::from(c));
            } else {
                push_wide::<WARM>(&mut s, c - 1)?;
            }
            continue;
        }
        if class == SKIP {
            i += 1;
            continue;
        }
        if class == WIDE {
            // Any other multi-byte character: not in the fast path's ranges.
            return None;
        }
        // `<` or `&`.
        i += 1;
        if class == LT {
            // `<` opens a tag when followed by a letter, `/`, `!` or `?` and closed by a
            // later `>` (as strip_tags); else it is punctuation.
            if b.get(i).is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?'))
                && let Some(p) = memchr_near(b'>', &b[i..])
            {
                i += p + 1;
            }
        } else if class == AMP
            && let Some((end, first, second)) = entity_at(html, i)
        {
            i = end;
            for c in std::iter::once(first).chain(second) {
                match c {
                    // NFKC makes a no-break space a space.
                    '\u{a0}' => {}
                    _ if c.is_ascii() => {
                        let class = BYTE_CLASS[c as usize];
                        if class > LEAD3 {
                            s.push_plus_one::<WARM>(u64::from(class));
                        }
                    }
                    _ => push_wide::<WARM>(&mut s, c as u32)?,
                }
            }
        }
    }
    Some((s, i))
}

/// A non-ASCII character of the fast path's ranges (CJK ideographs and punctuation, general
/// punctuation, full-width forms) as [`normalize`] leaves it; `None` for any other.
/// Inlined into the scan so that the sketcher's state stays in registers.
#[inline(always)]
fn push_wide<const WARM: bool>(s: &mut Sketcher, c: u32) -> Option<()> {
    let push = |s: &mut Sketcher, c: u32| s.push_plus_one::<WARM>(u64::from(c) + 1);
    match c {
        0x2000..=0x206f | 0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x303d..=0x303f => {}
        0x3005..=0x3007 | 0x4e00..=0x9fff => push(s, c),
        // Full-width digits and letters: NFKC makes them ASCII (lowercased here).
        0xff10..=0xff19 | 0xff41..=0xff5a => push(s, c - 0xfee0),
        0xff21..=0xff3a => push(s, c - 0xfee0 + 0x20),
        0xff01..=0xff0f | 0xff1a..=0xff20 | 0xff3b..=0xff40 | 0xff5b..=0xff5e => {}
        _ => return None,
    }
    Some(())
}

/// A character reference at `html[i..]` (just after its `&`), as [`normalize`] sees it:
/// `decode_entities` after `strip_tags`. A reference body can only hold ASCII letters, digits,
/// `#` and `+`, so when such a run ends in `;` within 32 characters the stripped text holds the
/// same body and it is decoded here: the offset past its `;` and its one or two chars. `None`
/// for any other `&`: a literal one (dropped as punctuation).
#[cold]
fn entity_at(html: &str, i: usize) -> Option<(usize, char, Option<char>)> {
    let b = &html.as_bytes()[i..];
    let n = b.iter().take(33).position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'#' | b'+')))?;
    if b[n] != b';' {
        return None;
    }
    let body = &html[i..i + n];
    let (first, second) =
        if body.starts_with('#') { numeric_entity(body).map(|c| (c, None)) } else { named_entity(body) }?;
    Some((i + n + 1, first, second))
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
    2.0 * sorted_common(&x, &y) as f32 / (x.len() + y.len()) as f32
}

/// How many values two sorted lists share, each value of one matched at most once in the
/// other (with repeats: the size of the multiset intersection).
pub(crate) fn sorted_common<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
