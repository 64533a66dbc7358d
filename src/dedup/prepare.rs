//! What dedup can work out of one item on its own, before the items of a run meet: its key,
//! and what near-duplicate and twin search read from its body (the sketch and the anchors).
//! The pipeline has each item prepared where its body is at hand, right after extraction
//! ([`Preparer::prepare`]), so that merging ([`merge_prepared`](super::merge_prepared)) reads
//! no body for it.

use super::text::{Sketch, sketch_html};
use super::{DedupOptions, item_key_with, twins};
use crate::extract::Item;
use crate::parse::RawHtml;

/// What dedup needs of one item besides the item itself (see [`Preparer::prepare`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The item's key ([`item_key_with`](super::item_key_with)).
    pub(crate) key: String,
    /// What its body gives, as far as computed.
    pub(crate) features: Features,
}

/// What near-duplicate and twin search read from a body; `None` where not computed (yet).
/// Boxed, so that an item with none (the items of [`merge_with`](super::merge_with)) costs
/// two words.
#[derive(Debug, Clone, Default)]
pub(crate) struct Features {
    /// [`sketch_html`] of the body's visible markup.
    pub(crate) sketch: Option<Box<Sketch>>,
    /// [`twins::anchors`] of the body.
    pub(crate) anchors: Option<Box<[u64]>>,
}

impl Features {
    /// These features with what is missing of the wanted ones computed from `body` (whose
    /// visible markup is made once, and only when something is missing).
    pub(crate) fn complete(mut self, body: &RawHtml, sketch: bool, anchors: bool) -> Features {
        let (need_sketch, need_anchors) = (sketch && self.sketch.is_none(), anchors && self.anchors.is_none());
        if need_sketch || need_anchors {
            let markup = body.visible_markup();
            if need_sketch {
                self.sketch = Some(Box::new(sketch_html(&markup)));
            }
            if need_anchors {
                self.anchors = Some(twins::anchors(body, &markup).into_boxed_slice());
            }
        }
        self
    }
}

/// Prepares the items of one merge, from any number of threads.
#[derive(Debug)]
pub struct Preparer {
    opts: DedupOptions,
}

impl Preparer {
    /// A preparer for merging with `opts`.
    pub fn new(opts: DedupOptions) -> Self {
        Preparer { opts }
    }

    /// The options the items are prepared for.
    pub fn options(&self) -> &DedupOptions {
        &self.opts
    }

    /// The key of `item`, the sketch of its body when near-duplicates are looked for, and its
    /// anchors when twins are. Twin search reads anchors only when both languages are among
    /// the posts, which is known only once every item is in; the anchors are made here all
    /// the same, while the body is at hand: made later, for the posts that need them, each
    /// body would be unpacked and its visible markup made a second time (on a corpus of
    /// both languages, most items were prepared before the second language first showed).
    pub fn prepare(&self, item: &Item) -> Prepared {
        let features =
            Features::default().complete(&item.parsed.content_html, self.opts.near_duplicates, self.opts.translations);
        Prepared { features, ..keyed(item, &self.opts) }
    }
}

/// The key of `item`, no features: merging computes those of shown items only.
pub(crate) fn keyed(item: &Item, opts: &DedupOptions) -> Prepared {
    Prepared { key: item_key_with(item, &opts.tracking_params), features: Features::default() }
}
