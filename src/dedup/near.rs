//! Near-duplicate search: locality-sensitive hashing over [`Sketch`]es.
//!
//! The 64 MinHash bins are cut into 16 bands of 4; two texts become candidates when one band
//! is equal (a pair with Jaccard 0.8 collides in some band with probability > 0.999, one with
//! 0.3 in about 12%). Each band is sorted once, so the cost grows as n·log n, never n²; a
//! bucket larger than [`BUCKET_CAP`] compares its members with its first entries only.
//! Candidates are checked by the caller (similarity, dates, titles) and joined in a
//! union-find.

use super::text::{BINS, Sketch, sketch_html};

/// Bins per band.
pub const ROWS: usize = 4;
/// Number of bands.
pub const BANDS: usize = BINS / ROWS;
/// Members of an oversized bucket are compared with this many of its first entries.
pub const BUCKET_CAP: usize = 16;

/// Disjoint sets over `0..n`.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind { parent: (0..n as u32).collect() }
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let p = self.parent[x] as usize;
            self.parent[x] = self.parent[p];
            x = p;
        }
        x
    }

    /// Joins the sets of `a` and `b` (the smaller index becomes the root); true if they were apart.
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo as u32;
        true
    }

    /// The sets with more than one member, each sorted, ordered by their smallest member.
    pub fn groups(&mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let roots: Vec<u32> = (0..n).map(|i| self.find(i) as u32).collect();
        let mut size = vec![0u32; n];
        for &r in &roots {
            size[r as usize] += 1;
        }
        // Slot of each multi-member root in the output, in order of the root (its smallest member).
        let mut slot = vec![u32::MAX; n];
        let mut out: Vec<Vec<usize>> = Vec::new();
        for (i, &r) in roots.iter().enumerate() {
            let r = r as usize;
            if size[r] < 2 {
                continue;
            }
            if slot[r] == u32::MAX {
                slot[r] = out.len() as u32;
                out.push(Vec::with_capacity(size[r] as usize));
            }
            out[slot[r] as usize].push(i);
        }
        out
    }
}

/// Sketches of many texts (HTML or plain), computed on all available cores.
pub fn sketch_all<'a, F>(n: usize, text: F) -> Vec<Sketch>
where
    F: Fn(usize) -> std::borrow::Cow<'a, str> + Sync,
{
    super::par::par_map(n, |i| sketch_html(&text(i)))
}

/// Finds near-duplicate groups among `sketches`: every candidate pair from the LSH bands for
/// which `accept(a, b, similarity)` holds is joined (a < b). Returns the union-find.
pub fn cluster<F>(sketches: &[Sketch], mut accept: F) -> UnionFind
where
    F: FnMut(usize, usize, f32) -> bool,
{
    let n = sketches.len();
    let mut uf = UnionFind::new(n);
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(n);
    for band in 0..BANDS {
        keys.clear();
        keys.extend(
            sketches
                .iter()
                .enumerate()
                .filter(|(_, s)| s.shingles > 0)
                .map(|(i, s)| (s.band_key(band, ROWS), i as u32)),
        );
        keys.sort_unstable();
        let mut start = 0;
        while start < keys.len() {
            let mut end = start + 1;
            while end < keys.len() && keys[end].0 == keys[start].0 {
                end += 1;
            }
            let bucket = &keys[start..end];
            for (pos, &(_, b)) in bucket.iter().enumerate().skip(1) {
                for &(_, a) in &bucket[..pos.min(BUCKET_CAP)] {
                    let (a, b) = (a as usize, b as usize);
                    if uf.find(a) == uf.find(b) {
                        continue;
                    }
                    let sim = sketches[a].similarity(&sketches[b]);
                    if accept(a, b, sim) {
                        uf.union(a, b);
                    }
                }
            }
            start = end;
        }
    }
    uf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reposts_and_leaves_others() {
        let base = "Docker 是基于 Go 语言实现的云开源项目，诞生于2013年初，最初发起者是dotCloud公司。Docker 作为一种Linux容器工具集，是为构建、交付和运行分布式应用而设计的。";
        let texts = [
            base.to_string(),
            format!("<p>{}</p>", base.replace('，', ", ").replace('。', ". ")),
            "完全不同的一段文字，讲的是微信小程序的开发，和容器没有关系，也不会被合并在一起的，对吧。".to_string(),
        ];
        let sketches = sketch_all(texts.len(), |i| texts[i].as_str().into());
        let mut uf = cluster(&sketches, |_, _, sim| sim >= 0.8);
        assert_eq!(uf.groups(), vec![vec![0, 1]]);
    }
}
